package dev.manifestinit.disk;

import java.nio.file.Path;

/**
 * A GUID Partition Table that cannot be used: a header or partition entry array fails a check, or
 * the device is too small to hold a GPT.
 */
public final class InvalidGptException extends DiskException {
    private final Path device;
    private final String problem;

    InvalidGptException(Path device, String message, String problem) {
        super(message);
        this.device = device;
        this.problem = problem;
    }

    InvalidGptException(Path device, String message, InvalidGptException primary, InvalidGptException backup) {
        super(message, primary);
        addSuppressed(backup);
        this.device = device;
        this.problem = message;
    }

    /** Returns the block device or image file that was read. */
    public Path device() {
        return device;
    }

    /** Returns the message without the device and header location, for combining the problems of both headers. */
    String problem() {
        return problem;
    }
}
