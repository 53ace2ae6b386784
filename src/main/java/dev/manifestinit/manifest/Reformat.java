package dev.manifestinit.manifest;

import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * A partition that a factory reset formats anew.
 *
 * @param label the GPT label of the partition on the manifest's disk
 * @param type the filesystem made on it; mkfs.&lt;type&gt; must be in the initramfs
 * @param keep names of files at the top of the old filesystem that are copied to the initramfs
 *     before the format and back afterwards
 */
public record Reformat(
        @NotNull(message = "label is required") PartitionLabel label,
        @NotNull(message = "type is required, such as ext4") FilesystemType type,
        List<@NotNull String> keep) {

    public Reformat {
        keep = Lists.copyOf(keep);
    }
}
