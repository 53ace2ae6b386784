package dev.manifestinit.disk;

import java.time.Duration;

/** The monotonic time and the sleep that waits poll with, replaceable so that tests need not sleep. */
public interface WaitClock {

    /** Returns a monotonic time in nanoseconds, comparable only with other values from this clock. */
    long nanoTime();

    void sleep(Duration duration) throws InterruptedException;

    /** Returns the clock of {@link System#nanoTime()} and {@link Thread#sleep(long)}. */
    static WaitClock system() {
        return new WaitClock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
            }
        };
    }
}
