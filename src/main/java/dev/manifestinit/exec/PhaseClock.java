package dev.manifestinit.exec;

/**
 * Prints the time at which each boot phase starts, for the boot benchmark, when the JVM runs with
 * {@code -Dmanifest-init.phases=true}. Each line reads
 * {@code manifest-init: phase NAME at_ns=N thread=THREAD}, where N is {@link System#nanoTime()},
 * which HotSpot on Linux reads from CLOCK_MONOTONIC: the clock that src/bench/clock-exec and the
 * target init print, so all three can be subtracted. A phase lasts until the next mark of the same
 * thread. Without the property a mark costs one field read.
 */
public final class PhaseClock {
    private static final boolean ENABLED = Boolean.getBoolean("manifest-init.phases");

    private PhaseClock() {
    }

    /** Prints that {@code phase} starts now, when phase marks are on. */
    public static void mark(String phase) {
        if (ENABLED) {
            System.err.println("manifest-init: phase " + phase + " at_ns=" + System.nanoTime() + " thread="
                    + Thread.currentThread().getName());
        }
    }
}
