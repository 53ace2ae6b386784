package dev.manifestinit.manifest;

import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * The program executed as PID 1 in the new root.
 *
 * @param path its path inside the new root, such as /sbin/init
 * @param arguments arguments placed before those after -- on the kernel command line
 */
public record Init(
        @NotNull(message = "path is required, such as /sbin/init") AbsolutePath path,
        List<@NotNull String> arguments) {

    public Init {
        arguments = Lists.copyOf(arguments);
    }
}
