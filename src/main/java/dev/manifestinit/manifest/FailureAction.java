package dev.manifestinit.manifest;

import java.util.Locale;

/** The action of the init when a boot step fails and no other root side is left to try. */
public enum FailureAction {
    /** Execute the manifest's shell on the console in place of the init, if the shell is allowed and present. */
    EMERGENCY_SHELL,
    /** sync(2), then reboot(2) with LINUX_REBOOT_CMD_RESTART. */
    REBOOT,
    /** sync(2), then reboot(2) with LINUX_REBOOT_CMD_POWER_OFF. */
    POWER_OFF;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
