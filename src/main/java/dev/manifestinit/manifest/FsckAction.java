package dev.manifestinit.manifest;

/** The boot's reaction to an fsck outcome that is not a clean or repaired filesystem. */
public enum FsckAction {
    /** Mount the filesystem with the manifest's options and go on. The log keeps fsck's output. */
    CONTINUE("continue"),
    /** Mount the filesystem read-only and go on. */
    READ_ONLY("readOnly"),
    /** Fail the step, so that the manifest's failure policy decides, as for any failed step. */
    EMERGENCY("emergency"),
    /** Reboot at once, whatever the failure policy sets. */
    REBOOT("reboot"),
    /**
     * Run mkfs for the filesystem's type on the partition found by its label, which
     * {@code disk.formattable} must list, then go on with the empty filesystem.
     */
    REFORMAT("reformat");

    private final String key;

    FsckAction(String key) {
        this.key = key;
    }

    @Override
    public String toString() {
        return key;
    }
}
