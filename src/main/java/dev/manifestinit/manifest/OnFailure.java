package dev.manifestinit.manifest;

import jakarta.validation.constraints.NotNull;

/**
 * The response to a failed boot step.
 *
 * @param otherSide whether a failure from the root mount on first boots the next root label not
 *     yet tried this boot, such as rofs-b after rofs-a, starting again from the root mount
 * @param action what follows when no other side is left: emergency-shell, reboot or power-off
 * @param withoutShell with {@code action: emergency-shell}, what follows when the shell is not
 *     allowed or not in the initramfs: reboot or power-off
 */
public record OnFailure(
        Boolean otherSide,
        @NotNull(message = "action is required: emergency-shell, reboot or power-off") FailureAction action,
        FailureAction withoutShell) {

    /** The policy of a manifest without an onFailure key: reboot, and no other side. */
    public static final OnFailure DEFAULT = new OnFailure(false, FailureAction.REBOOT, null);

    public OnFailure {
        otherSide = otherSide != null && otherSide;
    }
}
