package dev.manifestinit.disk;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A disk or its partitions did not appear before the deadline. The cause is the failure of the last
 * attempt, such as {@link DiskNotFoundException} or {@link LabelNotFoundException}.
 */
public final class DiskWaitTimeoutException extends DiskException {
    private final Path disk;
    private final Duration waited;

    public DiskWaitTimeoutException(Path disk, Duration waited, String message, Throwable lastFailure) {
        super(message, lastFailure);
        this.disk = disk;
        this.waited = waited;
    }

    public Path disk() {
        return disk;
    }

    /** Returns the time from the first attempt to the last, measured by the wait's clock. */
    public Duration waited() {
        return waited;
    }
}
