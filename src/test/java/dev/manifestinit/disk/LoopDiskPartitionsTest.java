package dev.manifestinit.disk;

import static dev.manifestinit.testing.DiskImages.partition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.DiskImages;
import dev.manifestinit.testing.ExternalCommand;
import dev.manifestinit.testing.LoopDevice;
import dev.manifestinit.testing.NeedsRoot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finds partitions by label on real loop devices, through the running kernel's /sys and /dev.
 *
 * <p>The Rainier image from make-disk-image is 96 MiB of 512-byte sectors: rofs-a (24 MiB at
 * sector 2048) and rofs-b (24 MiB), both containing /etc/os-release, then rwfs (16 MiB) and hostfw
 * (8 MiB), each on the next 1 MiB boundary. On a kernel without GPT support LoopDevice adds the
 * partitions with partx, which sets no PARTNAME, so the labels come from the GPT. On a kernel with
 * GPT support they come from PARTNAME.
 */
@NeedsRoot
class LoopDiskPartitionsTest {
    private static final List<String> RAINIER = List.of("rofs-a", "rofs-b", "rwfs", "hostfw");
    private static final long[] RAINIER_STARTS = {2048, 51200, 100352, 133120};
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path directory;

    @Test
    void rainierLabelsOnLoopPartitions() throws IOException {
        Path rootfs = Files.createDirectories(directory.resolve("rootfs/etc"));
        Files.writeString(rootfs.resolve("os-release"), "ID=test-bmc\n");
        Path image = DiskImages.createRainier(directory.resolve("rainier.img"), directory.resolve("rootfs"));

        try (LoopDevice loop = LoopDevice.attach(image)) {
            Map<String, Partition> found = new PartitionLocator(loop.device()).await(RAINIER, TIMEOUT);

            LabelSource expectedSource = loop.partitionsAddedByPartx() ? LabelSource.GPT : LabelSource.KERNEL;
            assertEquals(RAINIER, List.copyOf(found.keySet()));
            for (int i = 0; i < RAINIER.size(); i++) {
                Partition partition = found.get(RAINIER.get(i));
                assertEquals(loop.partition(i + 1), partition.device(), "device of " + partition.label());
                assertEquals(i + 1, partition.number(), "number of " + partition.label());
                assertEquals(RAINIER_STARTS[i], partition.startSector(), "start of " + partition.label());
                assertEquals(expectedSource, partition.labelSource(), "label source of " + partition.label());
            }
            assertEquals(24 * 2048, found.get("rofs-a").sectorCount());
            assertEquals(8 * 2048, found.get("hostfw").sectorCount());
            // The node must lead to the partition's data, not only carry the right name.
            assertEquals("ID=test-bmc\n", ExternalCommand.run("debugfs", "-R", "cat /etc/os-release",
                    found.get("rofs-b").device().toString()));
        }
    }

    @Test
    void duplicateLabelOnLoopReported() throws IOException {
        Path image = DiskImages.create(directory.resolve("duplicate.img"), 24,
                partition("rofs-a", 4), partition("rwfs", 4), partition("rofs-a", 4));

        try (LoopDevice loop = LoopDevice.attach(image)) {
            PartitionLocator locator = new PartitionLocator(loop.device());

            DuplicateLabelException error = assertThrows(DuplicateLabelException.class,
                    () -> locator.await(List.of("rofs-a", "rwfs"), TIMEOUT));

            assertEquals("partition label rofs-a is on 2 partitions of " + loop.device() + ": partition 1 ("
                    + loop.partition(1) + ") and partition 3 (" + loop.partition(3)
                    + "); give each partition of the disk a unique label", error.getMessage());
        }
    }

    @Test
    void missingLabelOnLoopTimesOut() throws IOException {
        Path image = DiskImages.create(directory.resolve("missing.img"), 16,
                partition("rofs-a", 4), partition("rwfs", 4));

        try (LoopDevice loop = LoopDevice.attach(image)) {
            PartitionLocator locator = new PartitionLocator(loop.device());

            DiskWaitTimeoutException error = assertThrows(DiskWaitTimeoutException.class,
                    () -> locator.await(List.of("rofs-a", "nvram"), Duration.ofMillis(200)));

            String message = error.getMessage();
            assertTrue(message.startsWith("timed out after 0.2"), message);
            assertTrue(message.contains(" s waiting for partition labels rofs-a, nvram on " + loop.device()
                    + ": missing nvram; found rofs-a on " + loop.partition(1) + ", rwfs on " + loop.partition(2)),
                    message);
            assertTrue(error.waited().compareTo(Duration.ofMillis(200)) >= 0, error.waited().toString());
            assertInstanceOf(LabelNotFoundException.class, error.getCause());
        }
    }

    /**
     * Partitions a loop device with 4096-byte logical sectors using sgdisk, reads the GPT from the
     * device and from the image file, and finds the partitions by label. The partitions are rofs-a
     * (4 MiB at LBA 256, which is 1 MiB) and rwfs (4 MiB after it).
     */
    @Test
    void fourKibSectorGpt() throws IOException {
        Path image = directory.resolve("4k.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(16L * 1024 * 1024);
        }
        List<Sgdisk.Info> expected;
        try (LoopDevice loop = LoopDevice.attachUnpartitioned(image, 4096)) {
            Sgdisk.run(loop.device(), "--clear", "--new=1:256:+4M", "--change-name=1:rofs-a",
                    "--new=2:0:+4M", "--change-name=2:rwfs");
            expected = List.of(Sgdisk.info(loop.device(), 1), Sgdisk.info(loop.device(), 2));

            GptTable table = GptReader.read(loop.device(), 4096);

            assertEntriesMatch(expected, table.entries());
            assertEquals(16L * 1024 * 1024 / 4096 - 1, table.header().alternateLba());
        }

        assertEntriesMatch(expected, GptReader.read(image, 4096).entries());
        assertEquals(256, expected.get(0).firstLba());

        try (LoopDevice loop = LoopDevice.attach(image, 4096)) {
            DiskPartitions scanned = new PartitionLocator(loop.device()).scan();
            Map<String, Partition> found = scanned.select(List.of("rofs-a", "rwfs"));

            assertEquals(4096, scanned.sectorSize());
            assertEquals(loop.partition(1), found.get("rofs-a").device());
            assertEquals(loop.partition(2), found.get("rwfs").device());
            // sysfs counts 512-byte units: LBA 256 of 4096 bytes is sector 2048.
            assertEquals(expected.get(0).firstLba() * 8, found.get("rofs-a").startSector());
            assertEquals(expected.get(1).firstLba() * 8, found.get("rwfs").startSector());
        }
    }

    private static void assertEntriesMatch(List<Sgdisk.Info> expected, List<GptEntry> entries) {
        assertEquals(expected.size(), entries.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).name(), entries.get(i).name(), "name of entry " + (i + 1));
            assertEquals(expected.get(i).uniqueGuid(), entries.get(i).uniqueGuid(), "GUID of entry " + (i + 1));
            assertEquals(expected.get(i).firstLba(), entries.get(i).firstLba(), "first LBA of entry " + (i + 1));
            assertEquals(expected.get(i).lastLba(), entries.get(i).lastLba(), "last LBA of entry " + (i + 1));
        }
    }
}
