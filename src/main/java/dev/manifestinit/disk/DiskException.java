package dev.manifestinit.disk;

import java.io.IOException;

/**
 * A disk, its partition table or its partitions are not as the init needs them. Each subclass names
 * the device and what is wrong in a one-line message meant for a serial console.
 */
public class DiskException extends IOException {

    public DiskException(String message) {
        super(message);
    }

    public DiskException(String message, Throwable cause) {
        super(message, cause);
    }
}
