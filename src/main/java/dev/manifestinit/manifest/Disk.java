package dev.manifestinit.manifest;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;

/**
 * The disk that holds the partitions, found by GPT label on this disk only.
 *
 * @param device the whole-disk device node, such as /dev/mmcblk0
 * @param timeout how long (key {@code wait}) to wait for the device and its partitions to appear
 * @param partitions every GPT label the manifest may name
 */
public record Disk(
        @NotNull(message = "device is required") AbsolutePath device,
        @YamlKey("wait") @NotNull(message = "wait is required, such as 5s") Duration timeout,
        @NotEmpty(message = "partitions must list the GPT labels of the disk")
        List<@NotNull PartitionLabel> partitions) {
}
