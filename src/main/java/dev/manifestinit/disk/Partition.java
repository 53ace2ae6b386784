package dev.manifestinit.disk;

import java.nio.file.Path;

/**
 * A partition of a disk with its label.
 *
 * <p>The kernel's PARTNAME is a lossy copy of the GPT name: it keeps one byte of each UTF-16 code
 * unit and replaces unprintable characters with {@code !}. A label from {@link LabelSource#KERNEL}
 * therefore equals the GPT name only when that name is printable ASCII.
 *
 * @param label the GPT partition name, empty when {@code labelSource} is {@link LabelSource#NONE}
 * @param device the device node, such as {@code /dev/mmcblk0p1}
 * @param number the kernel's partition number, which for a GPT is the 1-based entry index
 * @param startSector first sector in 512-byte units, as sysfs counts whatever the logical sector size
 * @param sectorCount length in 512-byte units
 * @param deviceNumber {@code major:minor}
 */
public record Partition(
        String label,
        Path device,
        int number,
        long startSector,
        long sectorCount,
        String deviceNumber,
        LabelSource labelSource) {

    /** Describes the partition for a message: {@code rofs-a on /dev/mmcblk0p1}. */
    public String describe() {
        return (label.isEmpty() ? "unlabeled partition" : label) + " on " + device;
    }
}
