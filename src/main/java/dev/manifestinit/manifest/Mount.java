package dev.manifestinit.manifest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/**
 * A partition mounted inside the new root, checked first when {@code fsck} asks for it.
 *
 * @param label the GPT label of the partition
 * @param mountpoint the path inside the new root, such as /var
 * @param type the filesystem type
 * @param options mount options, such as rw
 * @param fsck how the filesystem is checked before it is mounted and what each outcome leads to;
 *     no check when absent
 */
public record Mount(
        @NotNull(message = "label is required") PartitionLabel label,
        @NotNull(message = "mountpoint is required") AbsolutePath mountpoint,
        @NotNull(message = "type is required, such as ext4") FilesystemType type,
        MountOptions options,
        @Valid FsckPolicy fsck) {

    public Mount {
        options = options == null ? MountOptions.NONE : options;
        fsck = fsck == null ? FsckPolicy.SKIP : fsck;
    }
}
