package dev.manifestinit.manifest;

import jakarta.validation.constraints.NotNull;
import java.util.Optional;

/**
 * How a filesystem is checked before it is mounted, and what each outcome of the check leads to.
 * Every outcome that the mode can have needs an action, which ManifestRules checks.
 *
 * @param mode skip, preen or force
 * @param onRebootRequired the action when fsck corrected errors and requests a reboot (exit status bit 2)
 * @param onUncorrected the action when fsck left errors uncorrected (bit 4)
 * @param onFailure the action when fsck failed (bits 8, 16, 32) or was killed by a signal
 */
public record FsckPolicy(
        @NotNull(message = "mode is required: skip, preen or force") FsckMode mode,
        FsckAction onRebootRequired,
        FsckAction onUncorrected,
        FsckAction onFailure) {

    /** No check at all, for a mount without {@code fsck}. */
    public static final FsckPolicy SKIP = new FsckPolicy(FsckMode.SKIP, null, null, null);

    /** Returns the action for {@code outcome}, empty when the manifest sets none. */
    public Optional<FsckAction> action(FsckOutcome outcome) {
        return Optional.ofNullable(switch (outcome) {
            case REBOOT_REQUIRED -> onRebootRequired;
            case UNCORRECTED -> onUncorrected;
            case FAILED -> onFailure;
        });
    }
}
