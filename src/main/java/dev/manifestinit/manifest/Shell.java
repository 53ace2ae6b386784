package dev.manifestinit.manifest;

import jakarta.validation.constraints.NotNull;

/**
 * The emergency shell, started when a step fails and the failure policy requests it, and before
 * the step that {@code init.break=<step>} names.
 *
 * @param path the shell in the initramfs, such as /bin/sh
 * @param allow when the shell may start: never, with the flag on the kernel command line, or always
 * @param flag with {@code allow: flag}, the kernel command line option that enables the shell
 */
public record Shell(
        @NotNull(message = "path is required, such as /bin/sh") AbsolutePath path,
        @NotNull(message = "allow is required: never, flag or always") ShellAccess allow,
        String flag) {

    /** No shell at all: the policy of a manifest without a shell key. */
    public static final Shell NONE = new Shell(new AbsolutePath("/bin/sh"), ShellAccess.NEVER, null);
}
