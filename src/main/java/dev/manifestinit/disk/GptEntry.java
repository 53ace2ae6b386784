package dev.manifestinit.disk;

import java.util.UUID;

/**
 * A used GPT partition entry, one whose partition type GUID is not zero.
 *
 * @param index 1-based position in the partition entry array, which the kernel uses as the
 *     partition number
 * @param firstLba first logical sector of the partition
 * @param lastLba last logical sector of the partition, inclusive
 * @param attributes the 64 attribute bits, such as bit 0 for "required partition"
 * @param name the partition name (the label), up to the first NUL of its 36 UTF-16 code units
 */
public record GptEntry(
        int index,
        UUID typeGuid,
        UUID uniqueGuid,
        long firstLba,
        long lastLba,
        long attributes,
        String name) {
}
