package dev.manifestinit.manifest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * The factory reset: its triggers, read from the u-boot environment and a GPIO line, and the
 * partitions it formats.
 *
 * @param environment the fw_env.config file in the initramfs that locates the u-boot environment
 * @param variable a u-boot variable whose value {@code true} requests a reset, such as rwreset
 * @param gpio a GPIO line whose changed level requests a reset
 * @param reformat the partitions formatted anew, in order
 */
public record FactoryReset(
        @NotNull(message = "environment is required, such as /etc/fw_env.config") AbsolutePath environment,
        String variable,
        @Valid ResetGpio gpio,
        @NotEmpty(message = "reformat must list the partitions a reset formats, such as rwfs")
        List<@Valid @NotNull Reformat> reformat) {

    /** The value of {@link #variable} that requests a reset. */
    public static final String REQUEST_VALUE = "true";
}
