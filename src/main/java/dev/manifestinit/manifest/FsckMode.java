package dev.manifestinit.manifest;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** How a filesystem is checked before it is mounted. */
public enum FsckMode {
    /** No check. */
    SKIP,
    /** fsck -p: repair what is safe to repair without a question, and report the rest. */
    PREEN,
    /** fsck -f -p: check even a filesystem marked clean, repairing as in preen. */
    FORCE;

    /**
     * Returns the outcomes that fsck can report in this mode, each of which needs an action. e2fsck
     * -p can end with every exit status bit, so preen and force have all of them.
     */
    public Set<FsckOutcome> outcomes() {
        return this == SKIP ? EnumSet.noneOf(FsckOutcome.class) : EnumSet.allOf(FsckOutcome.class);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
