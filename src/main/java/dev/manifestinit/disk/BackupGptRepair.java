package dev.manifestinit.disk;

import dev.manifestinit.os.FileStatus;
import dev.manifestinit.os.Kernel;
import dev.manifestinit.os.NativeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks or repairs the backup GPT of the boot disk, and afterwards updates the kernel's view of
 * the table it rewrote.
 *
 * <p>How the kernel learns of the change depends on who made the disk's partitions:
 *
 * <ul>
 *   <li>The kernel's own GPT parser made them, which shows in their PARTNAME: ioctl BLKRRPART
 *       has it scan the table again. EBUSY means that a partition is open, and the kernel then
 *       keeps its partitions; that is harmless here, because the repair changes no partition
 *       entry, so they still match the table.
 *   <li>User space added them (partx or BLKPG, on a kernel built without GPT support): they have
 *       no PARTNAME. BLKRRPART would drop them, and such a kernel finds none again, so it is not
 *       called. The kernel's partitions are compared with the table instead. They match, since the
 *       repair changes no entry, and a mismatch that was there before is reported.
 * </ul>
 *
 * An image file stands for a disk in tests; it has no kernel partitions to update.
 */
public final class BackupGptRepair {
    /** sysfs counts partition start and size in 512-byte units, whatever the logical sector size. */
    private static final int SYSFS_SECTOR_SIZE = 512;
    /** Logical sector size used for an image file, as sgdisk uses for one. */
    private static final int IMAGE_SECTOR_SIZE = 512;

    private final Kernel kernel;
    private final SysfsBlockDevices devices;

    public BackupGptRepair(Kernel kernel, SysfsBlockDevices devices) {
        this.kernel = kernel;
        this.devices = devices;
    }

    /**
     * The outcome of a check or repair.
     *
     * @param state the state of the backup before any write
     * @param repair the writes made, absent when nothing was written
     * @param detail one line for the boot log
     */
    public record Result(BackupGpt.State state, Optional<BackupGpt.Repair> repair, String detail) {
        /** Returns whether anything was written. */
        public boolean changed() {
            return repair.isPresent();
        }
    }

    /**
     * Inspects the backup GPT of {@code disk} and writes nothing.
     *
     * @throws DiskException when the table reaches beyond the device, as {@link BackupGpt#inspect}
     *     raises it
     * @throws IOException when the device cannot be read
     */
    public Result check(Path disk) throws IOException {
        BackupGpt.Inspection inspection = BackupGpt.inspect(disk, sectorSize(disk));
        return new Result(inspection.state(), Optional.empty(), describe(inspection));
    }

    /**
     * Repairs the backup GPT of {@code disk} when it is misplaced or damaged, then has the kernel
     * take the table again. Writes nothing when the backup is right or the primary is invalid.
     *
     * @throws DiskException when the table reaches beyond the device or the backup cannot be
     *     placed without overlapping a partition; nothing is written then
     * @throws IOException when the device cannot be read or written, or BLKRRPART fails other
     *     than with EBUSY
     */
    public Result repair(Path disk) throws IOException {
        BackupGpt.Inspection inspection = BackupGpt.inspect(disk, sectorSize(disk));
        if (!inspection.needsRepair()) {
            return new Result(inspection.state(), Optional.empty(), describe(inspection));
        }
        BackupGpt.Repair repair = BackupGpt.repair(inspection);
        String detail = inspection.problem() + "; " + repair.describe() + "; " + updateKernel(disk, inspection);
        return new Result(inspection.state(), Optional.of(repair), detail);
    }

    private static String describe(BackupGpt.Inspection inspection) {
        return switch (inspection.state()) {
            case CORRECT -> "the backup GPT header at LBA " + inspection.lastLba() + " of " + inspection.device()
                    + " matches the primary";
            case PRIMARY_INVALID -> inspection.problem() + "; only a backup is repaired from a valid primary, so"
                    + " nothing was written";
            case MISPLACED, DAMAGED -> inspection.problem();
        };
    }

    /** Returns the logical sector size: 512 for an image file, else the block device's from sysfs. */
    private int sectorSize(Path disk) throws IOException {
        if (isImageFile(disk)) {
            return IMAGE_SECTOR_SIZE;
        }
        return devices.logicalBlockSize(devices.kernelName(disk));
    }

    private boolean isImageFile(Path disk) throws NativeException {
        FileStatus status = kernel.status(disk.toString(), true);
        return status != null && status.isRegularFile();
    }

    /** Updates the kernel's view of the rewritten table as the class comment explains, and returns how. */
    private String updateKernel(Path disk, BackupGpt.Inspection inspection) throws IOException {
        if (isImageFile(disk)) {
            return "an image file has no kernel partitions to update";
        }
        DiskPartitions partitions = new DiskScanner(devices).scan(disk);
        List<Partition> addedByUserSpace = partitions.partitions().stream()
                .filter(partition -> partition.labelSource() == LabelSource.GPT)
                .toList();
        if (!addedByUserSpace.isEmpty()) {
            List<String> mismatches = compare(partitions, inspection);
            String reason = "BLKRRPART not called: the kernel's partitions have no PARTNAME, so user space added"
                    + " them, and a re-read would drop them";
            if (mismatches.isEmpty()) {
                return reason + "; they match the table";
            }
            // NOTE: the repair did not cause this mismatch, so it is reported and left to partx -u.
            return reason + "; they differ from the table, which the repair did not change: "
                    + String.join(", ", mismatches);
        }
        try {
            kernel.rereadPartitionTable(disk.toString());
            return "the kernel re-read the partition table (BLKRRPART)";
        } catch (NativeException e) {
            if (!e.errnoName().equals("EBUSY")) {
                throw e;
            }
            return "BLKRRPART failed with EBUSY because a partition is in use, so the kernel keeps its partitions;"
                    + " the repair changed no partition entry, so they still match the table";
        }
    }

    /** Lists where the kernel's partitions differ from the table's used entries, by number, start and size. */
    private static List<String> compare(DiskPartitions partitions, BackupGpt.Inspection inspection) {
        long factor = inspection.sectorSize() / SYSFS_SECTOR_SIZE;
        List<String> mismatches = new ArrayList<>();
        for (GptEntry entry : inspection.entries()) {
            Optional<Partition> partition = partitions.partitions().stream()
                    .filter(candidate -> candidate.number() == entry.index())
                    .findFirst();
            long start = entry.firstLba() * factor;
            long size = (entry.lastLba() - entry.firstLba() + 1) * factor;
            if (partition.isEmpty()) {
                mismatches.add("entry " + entry.index() + " (" + entry.name() + ") has no kernel partition");
            } else if (partition.get().startSector() != start || partition.get().sectorCount() != size) {
                mismatches.add(partition.get().device() + " starts at " + partition.get().startSector() + " with "
                        + partition.get().sectorCount() + " sectors, the entry at " + start + " with " + size);
            }
        }
        for (Partition partition : partitions.partitions()) {
            if (inspection.entries().stream().noneMatch(entry -> entry.index() == partition.number())) {
                mismatches.add(partition.device() + " has no entry in the table");
            }
        }
        return mismatches;
    }
}
