package dev.manifestinit.manifest;

import java.util.Locale;

/** The boot's handling of a backup GPT that is not at the end of the disk or does not match the primary. */
public enum GptMode {
    /** Report it in the boot log and write nothing. */
    CHECK,
    /**
     * Write the backup at the end of the disk from the primary and point the primary at it, as
     * {@code sgdisk -e} does, then have the kernel read the table again.
     */
    REPAIR;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
