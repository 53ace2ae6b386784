package dev.manifestinit.manifest;

import java.util.Locale;

/** How a filesystem is checked before it is mounted. */
public enum FsckMode {
    /** No check. */
    SKIP,
    /** fsck -p: repair what is safe to repair without a question, and report the rest. */
    PREEN,
    /** fsck -f -p: check even a filesystem marked clean, repairing as in preen. */
    FORCE;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
