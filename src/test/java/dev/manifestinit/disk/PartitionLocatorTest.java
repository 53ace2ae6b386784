package dev.manifestinit.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Looks partitions up by label in a fake sysfs whose disk vda is the GPT image of
 * {@link DiskScannerTest}, with a {@link FakeClock} so that waits take no real time. Rootless.
 */
class PartitionLocatorTest {
    private static final List<String> RAINIER = List.of("rofs-a", "rofs-b", "rwfs", "hostfw");
    private static final Duration POLL = PartitionLocator.POLL_INTERVAL;

    private static Path gptImage;

    @TempDir
    Path directory;

    FakeSysfs sysfs;
    FakeClock clock;
    Path disk;

    @BeforeAll
    static void createImage(@TempDir Path imageDirectory) throws IOException {
        gptImage = DiskScannerTest.createGptImage(imageDirectory.resolve("vda.img"));
    }

    @BeforeEach
    void createSysfs() throws IOException {
        sysfs = new FakeSysfs(directory);
        clock = new FakeClock();
        disk = sysfs.dev.resolve("vda");
    }

    @Test
    void findReturnsLabelsInRequestOrder() throws IOException {
        addDisk();
        addPartitions(1, 2, 3, 4);

        Map<String, Partition> found = locator().find(List.of("rwfs", "rofs-a"));

        assertEquals(List.of("rwfs", "rofs-a"), List.copyOf(found.keySet()));
        assertEquals(sysfs.dev.resolve("vda3"), found.get("rwfs").device());
        assertEquals(3, found.get("rwfs").number());
        assertEquals(sysfs.dev.resolve("vda1"), found.get("rofs-a").device());
        assertEquals(LabelSource.GPT, found.get("rofs-a").labelSource());
    }

    @Test
    void duplicateLabelNamesBothPartitions() throws IOException {
        addDisk();
        addPartitions(1, 2);
        sysfs.addPartition("vda", 3, DiskScannerTest.STARTS[2], DiskScannerTest.SIZE, "rofs-a");

        DuplicateLabelException error = assertThrows(DuplicateLabelException.class,
                () -> locator().find(List.of("rofs-a")));

        assertEquals("partition label rofs-a is on 2 partitions of " + disk + ": partition 1 (" + sysfs.dev.resolve("vda1")
                + ") and partition 3 (" + sysfs.dev.resolve("vda3") + "); give each partition of the disk a unique label",
                error.getMessage());
        assertEquals("rofs-a", error.label());
        assertEquals(List.of(1, 3), error.partitions().stream().map(Partition::number).toList());
    }

    @Test
    void duplicateOfUnrequestedLabelIgnored() throws IOException {
        addDisk();
        addPartitions(1, 2);
        sysfs.addPartition("vda", 3, DiskScannerTest.STARTS[2], DiskScannerTest.SIZE, "rofs-b");

        Map<String, Partition> found = locator().find(List.of("rofs-a"));

        assertEquals(1, found.get("rofs-a").number());
    }

    @Test
    void missingLabelListsFoundLabels() throws IOException {
        addDisk();
        addPartitions(1, 2);

        LabelNotFoundException error = assertThrows(LabelNotFoundException.class, () -> locator().find(RAINIER));

        assertEquals("partition labels rwfs, hostfw not found on " + disk + "; found rofs-a on "
                + sysfs.dev.resolve("vda1") + ", rofs-b on " + sysfs.dev.resolve("vda2"), error.getMessage());
        assertEquals(List.of("rwfs", "hostfw"), error.missing());
        assertEquals(2, error.found().size());
    }

    @Test
    void missingLabelOnDiskWithoutPartitions() throws IOException {
        addDisk();

        LabelNotFoundException error = assertThrows(LabelNotFoundException.class,
                () -> locator().find(List.of("rwfs")));

        assertEquals("partition label rwfs not found on " + disk + "; the disk has no partitions", error.getMessage());
    }

    @Test
    void missingLabelCountsUnlabeledPartitions() throws IOException {
        addDisk();
        addPartitions(1);
        sysfs.addPartition("vda", 7, 20480, 2048, null);

        LabelNotFoundException error = assertThrows(LabelNotFoundException.class,
                () -> locator().find(List.of("rwfs")));

        assertEquals("partition label rwfs not found on " + disk + "; found rofs-a on " + sysfs.dev.resolve("vda1")
                + " and 1 without a label", error.getMessage());
    }

    @Test
    void awaitReturnsWhenPartitionsAppear() throws IOException {
        addDisk();
        addPartitions(1, 2);
        clock.afterSleep(count -> {
            if (count == 3) {
                addPartitions(3, 4);
            }
        });

        Map<String, Partition> found = locator().await(RAINIER, Duration.ofSeconds(5));

        assertEquals(RAINIER, List.copyOf(found.keySet()));
        assertEquals(List.of(POLL, POLL, POLL), clock.sleeps);
    }

    @Test
    void awaitWaitsForDiskThenLabels() throws IOException {
        clock.afterSleep(count -> {
            if (count == 2) {
                addDisk();
            }
            if (count == 4) {
                addPartitions(1, 2, 3, 4);
            }
        });

        Map<String, Partition> found = locator().await(RAINIER, Duration.ofSeconds(5));

        assertEquals(4, found.size());
        assertEquals(4, clock.sleeps.size());
    }

    @Test
    void awaitRetriesHalfCreatedPartition() throws IOException {
        addDisk();
        addPartitions(1);
        // The kernel creates a partition's attributes one by one: a scan can see it without start.
        Path start = sysfs.partitionDirectory("vda", 1).resolve("start");
        Files.delete(start);
        clock.afterSleep(count -> FakeSysfs.write(start, Long.toString(DiskScannerTest.STARTS[0])));

        Map<String, Partition> found = locator().await(List.of("rofs-a"), Duration.ofSeconds(5));

        assertEquals(1, found.get("rofs-a").number());
        assertEquals(1, clock.sleeps.size());
    }

    @Test
    void awaitTimeoutNamesMissingAndFound() throws IOException {
        addDisk();
        addPartitions(1, 2);

        DiskWaitTimeoutException error = assertThrows(DiskWaitTimeoutException.class,
                () -> locator().await(RAINIER, Duration.ofMillis(100)));

        assertEquals("timed out after 0.100 s waiting for partition labels rofs-a, rofs-b, rwfs, hostfw on " + disk
                + ": missing rwfs, hostfw; found rofs-a on " + sysfs.dev.resolve("vda1") + ", rofs-b on "
                + sysfs.dev.resolve("vda2"), error.getMessage());
        assertEquals(Duration.ofMillis(100), error.waited());
        assertEquals(disk, error.disk());
        assertInstanceOf(LabelNotFoundException.class, error.getCause());
        assertEquals(Collections.nCopies(10, POLL), clock.sleeps);
    }

    @Test
    void awaitLastSleepEndsAtDeadline() throws IOException {
        addDisk();

        assertThrows(DiskWaitTimeoutException.class, () -> locator().await(RAINIER, Duration.ofMillis(25)));

        assertEquals(List.of(POLL, POLL, Duration.ofMillis(5)), clock.sleeps);
    }

    @Test
    void awaitZeroTimeoutScansOnce() throws IOException {
        addDisk();
        addPartitions(1, 2, 3, 4);

        assertEquals(4, locator().await(RAINIER, Duration.ZERO).size());
        DiskWaitTimeoutException error = assertThrows(DiskWaitTimeoutException.class,
                () -> locator().await(List.of("nvram"), Duration.ZERO));

        assertTrue(error.getMessage().startsWith("timed out after 0.000 s waiting for partition label nvram on "),
                error.getMessage());
        assertTrue(clock.sleeps.isEmpty());
    }

    @Test
    void awaitTimeoutWhileDiskMissing() {
        DiskWaitTimeoutException error = assertThrows(DiskWaitTimeoutException.class,
                () -> locator().await(RAINIER, Duration.ofMillis(30)));

        assertEquals("timed out after 0.030 s waiting for partition labels rofs-a, rofs-b, rwfs, hostfw on " + disk
                + ": the disk did not appear, " + sysfs.sys.resolve("class/block/vda") + " does not exist",
                error.getMessage());
        assertInstanceOf(DiskNotFoundException.class, error.getCause());
    }

    @Test
    void awaitDuplicateFailsAtOnce() throws IOException {
        addDisk();
        addPartitions(1, 2);
        sysfs.addPartition("vda", 3, DiskScannerTest.STARTS[2], DiskScannerTest.SIZE, "rofs-a");

        assertThrows(DuplicateLabelException.class, () -> locator().await(RAINIER, Duration.ofSeconds(5)));

        assertTrue(clock.sleeps.isEmpty());
    }

    @Test
    void awaitInvalidGptFailsAtOnce() throws IOException {
        addDisk();
        Files.write(disk, new byte[16 * 1024 * 1024]);
        addPartitions(1);

        assertThrows(InvalidGptException.class, () -> locator().await(RAINIER, Duration.ofSeconds(5)));

        assertTrue(clock.sleeps.isEmpty());
    }

    @Test
    void awaitNegativeTimeoutRejected() {
        assertThrows(IllegalArgumentException.class, () -> locator().await(RAINIER, Duration.ofMillis(-1)));
    }

    @Test
    void awaitDiskReturnsTimeWaited() throws IOException {
        clock.afterSleep(count -> {
            if (count == 5) {
                addDisk();
            }
        });

        Duration waited = locator().awaitDisk(Duration.ofSeconds(5));

        assertEquals(Duration.ofMillis(50), waited);
        assertEquals(5, clock.sleeps.size());
    }

    @Test
    void awaitDiskPresentReturnsAtOnce() throws IOException {
        addDisk();

        assertEquals(Duration.ZERO, locator().awaitDisk(Duration.ofSeconds(5)));
        assertTrue(clock.sleeps.isEmpty());
    }

    @Test
    void awaitDiskTimeoutNamesSysfsPath() {
        DiskWaitTimeoutException error = assertThrows(DiskWaitTimeoutException.class,
                () -> locator().awaitDisk(Duration.ofMillis(50)));

        assertEquals("timed out after 0.050 s waiting for disk " + disk + ": the disk did not appear, "
                + sysfs.sys.resolve("class/block/vda") + " does not exist", error.getMessage());
        assertEquals(Duration.ofMillis(50), error.waited());
    }

    private PartitionLocator locator() {
        return new PartitionLocator(disk, new DiskScanner(sysfs.devices()), clock);
    }

    private void addDisk() throws IOException {
        sysfs.addDisk("vda", 512, 16 * 2048);
        Files.copy(gptImage, disk);
    }

    /** Adds partitions of the image by number, without PARTNAME, as partx adds them. */
    private void addPartitions(int... numbers) throws IOException {
        for (int number : numbers) {
            sysfs.addPartition("vda", number, DiskScannerTest.STARTS[number - 1], DiskScannerTest.SIZE, null);
        }
    }
}
