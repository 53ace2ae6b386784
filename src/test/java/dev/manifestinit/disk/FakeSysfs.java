package dev.manifestinit.disk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sysfs and a /dev made of plain files in a temporary directory, laid out as Linux lays them out
 * for virtio disks: {@code sys/class/block/<name>} is a symbolic link to
 * {@code sys/devices/virtual/block/<disk>[/<partition>]}, and a disk directory contains
 * {@code queue/logical_block_size}, {@code size}, {@code dev}, a few directories that are not
 * partitions, and one directory per partition with {@code partition}, {@code start}, {@code size},
 * {@code dev} and {@code uevent}.
 */
final class FakeSysfs {
    private static final int DISK_MAJOR = 253;

    final Path sys;
    final Path dev;

    FakeSysfs(Path root) throws IOException {
        this.sys = Files.createDirectories(root.resolve("sys"));
        this.dev = Files.createDirectories(root.resolve("dev"));
        Files.createDirectories(sys.resolve("class/block"));
        Files.createDirectories(sys.resolve("devices/virtual/block"));
    }

    SysfsBlockDevices devices() {
        return new SysfsBlockDevices(sys, dev);
    }

    /** Adds the disk to sysfs and returns the path of its device node, which this does not create. */
    Path addDisk(String name, int logicalBlockSize, long sectorCount) throws IOException {
        Path directory = Files.createDirectories(deviceDirectory(name));
        write(directory.resolve("queue/logical_block_size"), Integer.toString(logicalBlockSize));
        write(directory.resolve("size"), Long.toString(sectorCount));
        write(directory.resolve("dev"), DISK_MAJOR + ":0");
        write(directory.resolve("uevent"), "MAJOR=" + DISK_MAJOR + "\nMINOR=0\nDEVNAME=" + name + "\nDEVTYPE=disk\n");
        Files.createDirectories(directory.resolve("holders"));
        Files.createDirectories(directory.resolve("power"));
        Files.createDirectories(directory.resolve("mq/0"));
        Files.createSymbolicLink(sys.resolve("class/block").resolve(name),
                Path.of("../../devices/virtual/block").resolve(name));
        return dev.resolve(name);
    }

    /**
     * Adds partition {@code number} of {@code disk}, with {@code start} and {@code size} in 512-byte
     * units, and PARTNAME in its uevent unless {@code partName} is null. Returns its kernel name.
     */
    String addPartition(String disk, int number, long start, long size, String partName) throws IOException {
        String name = partitionName(disk, number);
        Path directory = Files.createDirectories(deviceDirectory(disk).resolve(name));
        write(directory.resolve("start"), Long.toString(start));
        write(directory.resolve("size"), Long.toString(size));
        write(directory.resolve("dev"), DISK_MAJOR + ":" + number);
        String uevent = "MAJOR=" + DISK_MAJOR + "\nMINOR=" + number + "\nDEVNAME=" + name
                + "\nDEVTYPE=partition\nPARTN=" + number + "\n";
        if (partName != null) {
            uevent += "PARTNAME=" + partName + "\n";
        }
        write(directory.resolve("uevent"), uevent);
        // Written last: the scanner takes a directory with this file for a partition.
        write(directory.resolve("partition"), Integer.toString(number));
        Files.createSymbolicLink(sys.resolve("class/block").resolve(name),
                Path.of("../../devices/virtual/block").resolve(disk).resolve(name));
        return name;
    }

    Path partitionDirectory(String disk, int number) {
        return deviceDirectory(disk).resolve(partitionName(disk, number));
    }

    /** Names a partition as the kernel does: a disk name that ends in a digit gets a "p" before the number. */
    static String partitionName(String disk, int number) {
        return disk + (Character.isDigit(disk.charAt(disk.length() - 1)) ? "p" : "") + number;
    }

    private Path deviceDirectory(String name) {
        return sys.resolve("devices/virtual/block").resolve(name);
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text + (text.endsWith("\n") ? "" : "\n"), StandardCharsets.UTF_8);
    }
}
