package dev.manifestinit.os;

import java.io.IOException;

/**
 * A failed system call: the operation, the paths it named, the flags as text and the errno,
 * by name (ENOENT) and by text (No such file or directory).
 */
public final class NativeException extends IOException {
    private final String operation;
    private final int errno;
    private final String errnoName;

    public NativeException(String operation, String detail, int errno, String errnoName, String errnoText) {
        super(operation + " " + detail + ": " + errnoName + " (" + errnoText + ")");
        this.operation = operation;
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /** The system call or library function, such as {@code mount} or {@code unlinkat}. */
    public String operation() {
        return operation;
    }

    public int errno() {
        return errno;
    }

    /** The symbolic errno name, such as {@code EBUSY}, or {@code errno N} when libc has no name for it. */
    public String errnoName() {
        return errnoName;
    }
}
