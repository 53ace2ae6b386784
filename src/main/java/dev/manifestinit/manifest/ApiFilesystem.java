package dev.manifestinit.manifest;

import jakarta.validation.constraints.NotNull;

/**
 * A kernel API filesystem mounted in the initramfs and moved into the new root at switch_root.
 *
 * @param type devtmpfs, sysfs, proc or tmpfs
 * @param mountpoint the path in the initramfs, such as /proc
 * @param options mount options such as nosuid or mode=755
 */
public record ApiFilesystem(
        @NotNull(message = "type is required") FilesystemType type,
        @NotNull(message = "mountpoint is required") AbsolutePath mountpoint,
        MountOptions options) {

    public ApiFilesystem {
        options = options == null ? MountOptions.NONE : options;
    }
}
