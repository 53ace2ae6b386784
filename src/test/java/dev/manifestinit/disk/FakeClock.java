package dev.manifestinit.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@link WaitClock} whose sleeps advance its time at once and can change the fake sysfs. */
final class FakeClock implements WaitClock {

    /** Runs after the given sleep, counted from 1. */
    interface SleepAction {
        void run(int sleepCount) throws IOException;
    }

    final List<Duration> sleeps = new ArrayList<>();
    private long now = 1_000_000_000L;
    private SleepAction afterSleep = count -> { };

    void afterSleep(SleepAction action) {
        this.afterSleep = action;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        now += duration.toNanos();
        try {
            afterSleep.run(sleeps.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
