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
 * @param gpt what the boot does with a misplaced or damaged backup GPT; check when absent
 * @param formattable labels of the partitions that the init may format, such as rwfs for fsck's
 *     reformat action; it formats no other partition
 */
public record Disk(
        @NotNull(message = "device is required") AbsolutePath device,
        @NotNull(message = "wait is required, such as 5s") Duration timeout,
        @NotEmpty(message = "partitions must list the GPT labels of the disk")
        List<@NotNull PartitionLabel> partitions,
        GptMode gpt,
        List<@NotNull PartitionLabel> formattable) {

    public Disk {
        gpt = gpt == null ? GptMode.CHECK : gpt;
        formattable = Lists.copyOf(formattable);
    }
}
