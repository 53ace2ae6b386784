package dev.manifestinit.disk;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lists a disk's partitions from sysfs and labels them, without udev.
 *
 * <p>A partition's label is its PARTNAME when the kernel set one. A kernel built without GPT support
 * (CONFIG_EFI_PARTITION off) sets none, for example for partitions that {@code partx -a} added. The
 * label then comes from the GPT entry whose first LBA is where the partition starts.
 */
public final class DiskScanner {
    /** sysfs counts {@code start} and {@code size} in 512-byte units, whatever the logical sector size. */
    private static final int SYSFS_SECTOR_SIZE = 512;

    private final SysfsBlockDevices devices;

    public DiskScanner(SysfsBlockDevices devices) {
        this.devices = devices;
    }

    public SysfsBlockDevices devices() {
        return devices;
    }

    /**
     * Reads the partitions of {@code disk} and their labels. Reads the GPT only when some partition
     * has no PARTNAME.
     *
     * @throws DiskNotFoundException when sysfs has no such block device
     * @throws DiskException when {@code disk} is a partition, or a sysfs file contains an invalid value
     * @throws InvalidGptException when the GPT is needed and neither copy is valid
     * @throws IOException when sysfs or the device cannot be read, which includes partitions that
     *     disappear during the scan
     */
    public DiskPartitions scan(Path disk) throws IOException {
        String name = devices.kernelName(disk);
        if (!devices.exists(name)) {
            throw new DiskNotFoundException(disk, devices.blockDirectory(name) + " does not exist");
        }
        if (devices.isPartition(name)) {
            throw new DiskException("device " + disk + " (" + name + ") is a partition, not a whole disk;"
                    + " name the disk that contains it");
        }
        int sectorSize = devices.logicalBlockSize(name);
        List<KernelPartition> kernelPartitions = devices.partitions(name);

        GptTable gpt = null;
        if (kernelPartitions.stream().anyMatch(partition -> partition.partName().isEmpty())) {
            gpt = GptReader.read(devices.deviceNode(name), sectorSize);
        }

        List<Partition> partitions = new ArrayList<>();
        for (KernelPartition kernelPartition : kernelPartitions) {
            partitions.add(label(kernelPartition, gpt, sectorSize));
        }
        return new DiskPartitions(disk, name, sectorSize, partitions, Optional.ofNullable(gpt));
    }

    private Partition label(KernelPartition kernelPartition, GptTable gpt, int sectorSize) {
        String label = "";
        LabelSource source = LabelSource.NONE;
        if (kernelPartition.partName().isPresent()) {
            // NOTE: PARTNAME keeps printable ASCII only (see Partition), so a label with other
            // characters matches on kernels without GPT support but never on kernels with it.
            label = kernelPartition.partName().get();
            source = LabelSource.KERNEL;
        } else {
            Optional<GptEntry> entry = entryStartingAt(gpt, kernelPartition.startSector(), sectorSize);
            if (entry.isPresent() && !entry.get().name().isEmpty()) {
                label = entry.get().name();
                source = LabelSource.GPT;
            }
        }
        return new Partition(
                label,
                devices.deviceNode(kernelPartition.kernelName()),
                kernelPartition.number(),
                kernelPartition.startSector(),
                kernelPartition.sectorCount(),
                kernelPartition.deviceNumber(),
                source);
    }

    /** Finds the GPT entry whose first LBA, converted to 512-byte units, is {@code startSector}. */
    private static Optional<GptEntry> entryStartingAt(GptTable gpt, long startSector, int sectorSize) {
        long factor = sectorSize / SYSFS_SECTOR_SIZE;
        if (startSector % factor != 0) {
            return Optional.empty();
        }
        long startLba = startSector / factor;
        return gpt.entries().stream()
                .filter(entry -> entry.firstLba() == startLba)
                .findFirst();
    }
}
