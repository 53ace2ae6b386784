package dev.manifestinit.manifest;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * The partition that becomes the new root: chosen by root=PARTLABEL=&lt;label&gt; on the kernel
 * command line among {@code labels}, or {@code defaultLabel} when the command line names none.
 *
 * @param labels the labels allowed on the kernel command line
 * @param defaultLabel the label used when the command line has no root= (key {@code default})
 * @param type the filesystem type of every root side
 * @param options mount options, such as ro
 * @param mountpoint where the initramfs mounts the new root before switch_root, such as /newroot
 */
public record Root(
        @NotEmpty(message = "labels must list the partitions that may be the root") List<@NotNull PartitionLabel> labels,
        @NotNull(message = "default is required: the root label when the kernel command line has none")
        PartitionLabel defaultLabel,
        @NotNull(message = "type is required, such as ext4") FilesystemType type,
        MountOptions options,
        @NotNull(message = "mountpoint is required, such as /newroot") AbsolutePath mountpoint) {

    public Root {
        options = options == null ? MountOptions.NONE : options;
    }
}
