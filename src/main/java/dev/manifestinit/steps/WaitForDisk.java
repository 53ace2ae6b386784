package dev.manifestinit.steps;

import dev.manifestinit.manifest.AbsolutePath;
import java.time.Duration;

/** Waits for the manifest's disk to appear; changes nothing. */
public final class WaitForDisk implements Step {
    private final AbsolutePath disk;
    private final Duration timeout;

    public WaitForDisk(AbsolutePath disk, Duration timeout) {
        this.disk = disk;
        this.timeout = timeout;
    }

    @Override
    public String describe() {
        return disk + " (timeout " + Durations.format(timeout) + ")";
    }

    @Override
    public Outcome apply(StepContext context) throws StepFailure {
        context.partitionLocator().awaitDisk(disk, timeout);
        return Outcome.DONE;
    }
}
