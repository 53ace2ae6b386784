package dev.manifestinit.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans a fake sysfs whose disk vda is a GPT image file made by sgdisk, without root.
 *
 * <p>The image is 16 MiB of 512-byte sectors with four 2 MiB partitions: rofs-a at sector 2048,
 * rofs-b at 6144, rwfs at 10240 and hostfw at 14336.
 */
class DiskScannerTest {
    static final List<String> LABELS = List.of("rofs-a", "rofs-b", "rwfs", "hostfw");
    static final long[] STARTS = {2048, 6144, 10240, 14336};
    static final long SIZE = 4096;

    private static Path gptImage;

    @TempDir
    Path directory;

    FakeSysfs sysfs;
    Path disk;

    @BeforeAll
    static void createImage(@TempDir Path imageDirectory) throws IOException {
        gptImage = createGptImage(imageDirectory.resolve("vda.img"));
    }

    /** Creates the image described in the class comment. */
    static Path createGptImage(Path image) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(16L * 1024 * 1024);
        }
        Sgdisk.run(image, "--clear",
                "--new=1:2048:+2M", "--change-name=1:rofs-a",
                "--new=2:6144:+2M", "--change-name=2:rofs-b",
                "--new=3:10240:+2M", "--change-name=3:rwfs",
                "--new=4:14336:+2M", "--change-name=4:hostfw");
        return image;
    }

    @BeforeEach
    void createSysfs() throws IOException {
        sysfs = new FakeSysfs(directory);
        disk = sysfs.addDisk("vda", 512, 16 * 2048);
        Files.copy(gptImage, disk);
    }

    @Test
    void gptLabelsWithoutPartname() throws IOException {
        addPartitions(null, null, null, null);

        DiskPartitions scanned = scanner().scan(disk);

        assertEquals("vda", scanned.kernelName());
        assertEquals(512, scanned.sectorSize());
        assertEquals(disk, scanned.disk());
        assertTrue(scanned.gpt().isPresent());
        assertEquals(4, scanned.partitions().size());
        for (int i = 0; i < 4; i++) {
            Partition partition = scanned.partitions().get(i);
            assertEquals(LABELS.get(i), partition.label());
            assertEquals(LabelSource.GPT, partition.labelSource());
            assertEquals(sysfs.dev.resolve("vda" + (i + 1)), partition.device());
            assertEquals(i + 1, partition.number());
            assertEquals(STARTS[i], partition.startSector());
            assertEquals(SIZE, partition.sectorCount());
            assertEquals("253:" + (i + 1), partition.deviceNumber());
        }
    }

    @Test
    void kernelLabelsWithPartname() throws IOException {
        addPartitions("kernel-a", "kernel-b", "kernel-c", "kernel-d");
        // Every partition has a PARTNAME, so the scanner must not open the disk.
        Files.delete(disk);

        DiskPartitions scanned = scanner().scan(disk);

        assertTrue(scanned.gpt().isEmpty());
        assertEquals(List.of("kernel-a", "kernel-b", "kernel-c", "kernel-d"),
                scanned.partitions().stream().map(Partition::label).toList());
        assertTrue(scanned.partitions().stream().allMatch(partition -> partition.labelSource() == LabelSource.KERNEL));
    }

    @Test
    void partnameAndGptMixed() throws IOException {
        addPartitions("kernel-a", null, "kernel-c", null);

        List<Partition> partitions = scanner().scan(disk).partitions();

        assertEquals(List.of("kernel-a", "rofs-b", "kernel-c", "hostfw"),
                partitions.stream().map(Partition::label).toList());
        assertEquals(List.of(LabelSource.KERNEL, LabelSource.GPT, LabelSource.KERNEL, LabelSource.GPT),
                partitions.stream().map(Partition::labelSource).toList());
    }

    @Test
    void partitionWithoutGptEntryUnlabeled() throws IOException {
        sysfs.addPartition("vda", 1, STARTS[0], SIZE, null);
        sysfs.addPartition("vda", 7, 20480, 2048, null);

        List<Partition> partitions = scanner().scan(disk).partitions();

        assertEquals("rofs-a", partitions.get(0).label());
        assertEquals("", partitions.get(1).label());
        assertEquals(LabelSource.NONE, partitions.get(1).labelSource());
        assertEquals(7, partitions.get(1).number());
    }

    @Test
    void partitionsSortedByNumber() throws IOException {
        sysfs.addPartition("vda", 10, 20480, 2048, "ten");
        sysfs.addPartition("vda", 2, STARTS[1], SIZE, "two");
        sysfs.addPartition("vda", 1, STARTS[0], SIZE, "one");

        List<Partition> partitions = scanner().scan(disk).partitions();

        assertEquals(List.of(1, 2, 10), partitions.stream().map(Partition::number).toList());
    }

    @Test
    void symbolicLinkToDiskResolved() throws IOException {
        addPartitions(null, null, null, null);
        Path link = Files.createDirectories(sysfs.dev.resolve("disk/by-path")).resolve("platform-emmc");
        Files.createSymbolicLink(link, Path.of("../../vda"));

        DiskPartitions scanned = scanner().scan(link);

        assertEquals("vda", scanned.kernelName());
        assertEquals(link, scanned.disk());
        assertEquals("rofs-a", scanned.partitions().get(0).label());
    }

    @Test
    void numberedDiskNamesPartitionsWithP() throws IOException {
        Path mmc = sysfs.addDisk("mmcblk0", 512, 16 * 2048);
        Files.copy(gptImage, mmc);
        sysfs.addPartition("mmcblk0", 1, STARTS[0], SIZE, null);

        Partition partition = scanner().scan(mmc).partitions().get(0);

        assertEquals(sysfs.dev.resolve("mmcblk0p1"), partition.device());
        assertEquals("rofs-a", partition.label());
    }

    @Test
    void partnameWithHighBytesDecoded() throws IOException {
        String name = sysfs.addPartition("vda", 1, STARTS[0], SIZE, null);
        Path uevent = sysfs.partitionDirectory("vda", 1).resolve("uevent");
        // Older kernels copied the low byte of each UTF-16 code unit: é (U+00E9) became 0xE9.
        Files.write(uevent, "PARTN=1\nPARTNAME=r\u00e9fs\n".getBytes(StandardCharsets.ISO_8859_1));

        Partition partition = scanner().scan(disk).partitions().get(0);

        assertEquals("vda1", name);
        assertEquals("r\u00e9fs", partition.label());
        assertEquals(LabelSource.KERNEL, partition.labelSource());
    }

    @Test
    void missingDiskReported() {
        Path missing = sysfs.dev.resolve("vdb");

        DiskNotFoundException error = assertThrows(DiskNotFoundException.class, () -> scanner().scan(missing));

        assertEquals("disk " + missing + " not found: " + sysfs.sys.resolve("class/block/vdb") + " does not exist",
                error.getMessage());
        assertEquals(missing, error.disk());
    }

    @Test
    void danglingSymbolicLinkReported() throws IOException {
        Path link = sysfs.dev.resolve("emmc");
        Files.createSymbolicLink(link, Path.of("mmcblk9"));

        DiskNotFoundException error = assertThrows(DiskNotFoundException.class, () -> scanner().scan(link));

        assertEquals("disk " + link + " not found: it is a symbolic link to mmcblk9, which does not exist",
                error.getMessage());
    }

    @Test
    void partitionGivenAsDiskRejected() throws IOException {
        addPartitions(null, null, null, null);
        Path partition = sysfs.dev.resolve("vda1");

        DiskException error = assertThrows(DiskException.class, () -> scanner().scan(partition));

        assertEquals("device " + partition + " (vda1) is a partition, not a whole disk; name the disk that contains it",
                error.getMessage());
    }

    @Test
    void invalidLogicalBlockSizeRejected() throws IOException {
        Path file = sysfs.sys.resolve("devices/virtual/block/vda/queue/logical_block_size");
        FakeSysfs.write(file, "1000");

        DiskException error = assertThrows(DiskException.class, () -> scanner().scan(disk));

        assertEquals("invalid logical sector size 1000 in " + sysfs.sys.resolve("class/block/vda/queue/logical_block_size")
                + ": expected a power of two from 512 to 65536", error.getMessage());
    }

    @Test
    void invalidStartRejected() throws IOException {
        sysfs.addPartition("vda", 1, STARTS[0], SIZE, null);
        Path start = sysfs.partitionDirectory("vda", 1).resolve("start");
        FakeSysfs.write(start, "twelve");

        DiskException error = assertThrows(DiskException.class, () -> scanner().scan(disk));

        assertTrue(error.getMessage().startsWith("invalid number 'twelve' in "), error.getMessage());
        assertTrue(error.getMessage().endsWith("vda1/start"), error.getMessage());
    }

    @Test
    void invalidGptReportedWhenNeeded() throws IOException {
        sysfs.addPartition("vda", 1, STARTS[0], SIZE, null);
        Files.write(disk, new byte[16 * 1024 * 1024]);

        InvalidGptException error = assertThrows(InvalidGptException.class, () -> scanner().scan(disk));

        assertTrue(error.getMessage().startsWith("no valid GPT on " + disk), error.getMessage());
    }

    private DiskScanner scanner() {
        return new DiskScanner(sysfs.devices());
    }

    /** Adds the four partitions of the image as vda1 to vda4, each with the PARTNAME given or none for null. */
    private void addPartitions(String... partNames) throws IOException {
        for (int i = 0; i < partNames.length; i++) {
            sysfs.addPartition("vda", i + 1, STARTS[i], SIZE, partNames[i]);
        }
    }
}
