package dev.manifestinit.manifest;

import jakarta.validation.constraints.NotNull;

/**
 * An overlay mount inside the new root. All paths are inside the new root.
 *
 * @param mountpoint where the overlay is mounted, such as /etc
 * @param lower the read-only lower directory, which may be the mount point itself
 * @param upper the directory that receives changes
 * @param work overlayfs's work directory, on the same filesystem as upper
 */
public record Overlay(
        @NotNull(message = "mountpoint is required") AbsolutePath mountpoint,
        @NotNull(message = "lower is required") AbsolutePath lower,
        @NotNull(message = "upper is required") AbsolutePath upper,
        @NotNull(message = "work is required") AbsolutePath work) {
}
