package dev.manifestinit.disk;

import java.util.Optional;

/**
 * A partition of a disk as sysfs lists it, below {@code /sys/class/block/<disk>/<partition>}.
 *
 * @param kernelName the partition's directory name, such as {@code mmcblk0p1}, also its name in /dev
 * @param number the partition number from the {@code partition} file
 * @param startSector first sector from the {@code start} file, in 512-byte units whatever the
 *     disk's logical sector size
 * @param sectorCount length from the {@code size} file, in 512-byte units
 * @param deviceNumber {@code major:minor} from the {@code dev} file
 * @param partName PARTNAME from the {@code uevent} file, present only when the kernel parsed a
 *     partition table that names its partitions and the name is not empty
 */
public record KernelPartition(
        String kernelName,
        int number,
        long startSector,
        long sectorCount,
        String deviceNumber,
        Optional<String> partName) {
}
