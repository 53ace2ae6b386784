package dev.manifestinit.uboot;

import java.io.IOException;

/** fw_env.config or an environment copy cannot be read or used; the message names the file and why. */
public final class InvalidEnvironmentException extends IOException {
    public InvalidEnvironmentException(String message) {
        super(message);
    }

    public InvalidEnvironmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
