package dev.manifestinit.manifest;

/**
 * An fsck result that needs a decision, from the bits of fsck's exit status (fsck(8)), in order of
 * severity. A clean filesystem (0) and errors corrected (1) always let the boot go on.
 */
public enum FsckOutcome {
    /** Bit 2: errors were corrected, but the system should be rebooted. */
    REBOOT_REQUIRED("onRebootRequired", "reboot required"),
    /** Bit 4: errors were left uncorrected. */
    UNCORRECTED("onUncorrected", "errors left uncorrected"),
    /** Bits 8 (operational error), 16 (usage error) or 32 (cancelled), or fsck was killed by a signal. */
    FAILED("onFailure", "fsck failed");

    private final String key;
    private final String description;

    FsckOutcome(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** Returns the manifest key under {@code fsck} that sets the action for this outcome. */
    public String key() {
        return key;
    }

    /** Returns a few words for messages, such as {@code errors left uncorrected}. */
    public String description() {
        return description;
    }
}
