package dev.manifestinit.disk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Block devices as sysfs and devtmpfs show them, read without udev. Both roots are injectable so
 * that tests can point them at a tree of plain files.
 *
 * <p>A block device's kernel name is its name in {@code /sys/class/block} and, with devtmpfs, its
 * path below {@code /dev}. The kernel writes a {@code /} in a device name as {@code !} in sysfs, so
 * {@code /dev/cciss/c0d0} is {@code cciss!c0d0}.
 */
public final class SysfsBlockDevices {
    private final Path sysfsRoot;
    private final Path devRoot;

    /**
     * @param sysfsRoot where sysfs is mounted, {@code /sys} on a running system
     * @param devRoot where devtmpfs is mounted, {@code /dev} on a running system
     */
    public SysfsBlockDevices(Path sysfsRoot, Path devRoot) {
        this.sysfsRoot = sysfsRoot;
        this.devRoot = devRoot;
    }

    /** Returns the block devices of the running system, under /sys and /dev. */
    public static SysfsBlockDevices system() {
        return new SysfsBlockDevices(Path.of("/sys"), Path.of("/dev"));
    }

    public Path sysfsRoot() {
        return sysfsRoot;
    }

    public Path devRoot() {
        return devRoot;
    }

    /**
     * Returns the kernel name of {@code device}, after following symbolic links. A path that does
     * not exist yet is taken as it is, so a caller can wait for {@code /dev/mmcblk0} to appear.
     *
     * @throws DiskNotFoundException when {@code device} is a symbolic link whose target does not exist
     */
    public String kernelName(Path device) throws IOException {
        Path resolved = device;
        if (Files.exists(device)) {
            resolved = device.toRealPath();
        } else if (Files.isSymbolicLink(device)) {
            throw new DiskNotFoundException(device, "it is a symbolic link to " + Files.readSymbolicLink(device)
                    + ", which does not exist");
        }
        Path realDevRoot = Files.exists(devRoot) ? devRoot.toRealPath() : devRoot;
        Path absolute = resolved.toAbsolutePath().normalize();
        if (absolute.startsWith(realDevRoot) && !absolute.equals(realDevRoot)) {
            return realDevRoot.relativize(absolute).toString().replace('/', '!');
        }
        return absolute.getFileName().toString();
    }

    /** Returns {@code /sys/class/block/<kernelName>}, which exists while the device exists. */
    public Path blockDirectory(String kernelName) {
        return sysfsRoot.resolve("class").resolve("block").resolve(kernelName);
    }

    /** Returns the device node that devtmpfs creates for {@code kernelName}. */
    public Path deviceNode(String kernelName) {
        return devRoot.resolve(kernelName.replace('!', '/'));
    }

    public boolean exists(String kernelName) {
        return Files.isDirectory(blockDirectory(kernelName));
    }

    /** Tests whether {@code kernelName} is a partition rather than a whole disk, by its {@code partition} file. */
    public boolean isPartition(String kernelName) {
        return Files.isRegularFile(blockDirectory(kernelName).resolve("partition"));
    }

    /** Returns the logical sector size in bytes, from {@code queue/logical_block_size}. */
    public int logicalBlockSize(String diskName) throws IOException {
        Path file = blockDirectory(diskName).resolve("queue").resolve("logical_block_size");
        long size = readNumber(file);
        if (size < 512 || size > 65536 || Long.bitCount(size) != 1) {
            throw new DiskException("invalid logical sector size " + size + " in " + file
                    + ": expected a power of two from 512 to 65536");
        }
        return (int) size;
    }

    /**
     * Lists the partitions of {@code diskName} in partition number order: the subdirectories of its
     * sysfs directory that contain a {@code partition} file.
     *
     * <p>Partitions appear and disappear while the kernel scans the disk, so a file can vanish
     * between listing and reading. That raises {@link NoSuchFileException}, and a caller that waits
     * reads again.
     */
    public List<KernelPartition> partitions(String diskName) throws IOException {
        List<Path> directories;
        try (Stream<Path> children = Files.list(blockDirectory(diskName))) {
            directories = children.filter(child -> Files.isRegularFile(child.resolve("partition"))).toList();
        }
        List<KernelPartition> partitions = new ArrayList<>();
        for (Path directory : directories) {
            partitions.add(readPartition(directory));
        }
        partitions.sort(Comparator.comparingInt(KernelPartition::number));
        return partitions;
    }

    private static KernelPartition readPartition(Path directory) throws IOException {
        long number = readNumber(directory.resolve("partition"));
        if (number < 1 || number > Integer.MAX_VALUE) {
            throw new DiskException("invalid partition number " + number + " in " + directory.resolve("partition"));
        }
        return new KernelPartition(
                directory.getFileName().toString(),
                (int) number,
                readNumber(directory.resolve("start")),
                readNumber(directory.resolve("size")),
                readText(directory.resolve("dev")),
                readPartName(directory.resolve("uevent")));
    }

    /**
     * Returns PARTNAME from a uevent file of {@code KEY=value} lines, empty when the line is absent.
     * Kernels before a 2025 fix to block/partitions/efi.c copied the low byte of each UTF-16 code
     * unit of the GPT name, so the value can contain bytes above 0x7F. Decoding as ISO-8859-1 keeps
     * them instead of failing.
     */
    private static Optional<String> readPartName(Path uevent) throws IOException {
        String prefix = "PARTNAME=";
        for (String line : Files.readAllLines(uevent, StandardCharsets.ISO_8859_1)) {
            if (line.startsWith(prefix) && line.length() > prefix.length()) {
                return Optional.of(line.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    private static long readNumber(Path file) throws IOException {
        String text = readText(file);
        try {
            long value = Long.parseLong(text);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new DiskException("invalid number '" + text + "' in " + file, e);
        }
    }

    private static String readText(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
}
