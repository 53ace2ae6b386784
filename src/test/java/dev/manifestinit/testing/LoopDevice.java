package dev.manifestinit.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A loop device attached to an image file for one test, detached by {@link #close()}. Needs root,
 * so tests that use it carry {@link NeedsRoot}.
 *
 * <p>{@link #attach(Path)} has the kernel scan the partition table ({@code losetup --partscan}).
 * A kernel built without GPT support (CONFIG_EFI_PARTITION off) finds no partitions that way, so
 * when sysfs shows none the fixture adds them with {@code partx -a}, which reads the table in user
 * space. Partitions added by partx carry no PARTNAME in their uevent, unlike those the kernel found.
 */
public final class LoopDevice implements AutoCloseable {
    /**
     * Time to wait for partitions in sysfs. losetup returns after the kernel's scan, so partitions
     * that the scan found are normally listed at once.
     */
    private static final Duration PARTITION_SCAN_WAIT = Duration.ofMillis(500);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    private final Path device;
    private final String name;
    private boolean partitionsAddedByPartx;
    private boolean closed;

    private LoopDevice(Path device) {
        this.device = device;
        this.name = device.getFileName().toString();
    }

    /** Attaches {@code image} with 512-byte logical sectors and makes its partitions appear. */
    public static LoopDevice attach(Path image) throws IOException {
        return attach(image, 512);
    }

    /**
     * Attaches {@code image} with logical sectors of {@code sectorSize} bytes and makes its
     * partitions appear, through the kernel's scan or else {@code partx -a}. Detaches again when a
     * later step fails.
     *
     * @throws IOException when losetup or partx fails, or the image has no partitions
     */
    public static LoopDevice attach(Path image, int sectorSize) throws IOException {
        LoopDevice loop = start(image, sectorSize, true);
        try {
            if (!loop.awaitPartitions(PARTITION_SCAN_WAIT)) {
                ExternalCommand.run("partx", "-a", loop.device.toString());
                loop.partitionsAddedByPartx = true;
                if (!loop.awaitPartitions(PARTITION_SCAN_WAIT)) {
                    throw new IOException("no partitions on " + loop.device + " after partx -a; is " + image
                            + " partitioned?");
                }
            }
            return loop;
        } catch (IOException | RuntimeException e) {
            loop.closeAfterFailure(e);
            throw e;
        }
    }

    /**
     * Attaches {@code image} with logical sectors of {@code sectorSize} bytes without looking for
     * partitions, for a bare filesystem image or for partitioning the device afterwards.
     */
    public static LoopDevice attachUnpartitioned(Path image, int sectorSize) throws IOException {
        return start(image, sectorSize, false);
    }

    private static LoopDevice start(Path image, int sectorSize, boolean partitionScan) throws IOException {
        List<String> command = new ArrayList<>(List.of("losetup", "--find", "--show"));
        if (partitionScan) {
            command.add("--partscan");
        }
        command.addAll(List.of("--sector-size", Integer.toString(sectorSize), image.toString()));
        String output = ExternalCommand.run(command).strip();
        if (!output.matches("/dev/loop[0-9]+")) {
            throw new IOException(String.join(" ", command) + " printed '" + output
                    + "', not a loop device; check losetup -a for a device left attached to " + image);
        }
        return new LoopDevice(Path.of(output));
    }

    /** Returns the loop device, such as {@code /dev/loop3}. */
    public Path device() {
        return device;
    }

    /** Returns the kernel name, such as {@code loop3}. */
    public String name() {
        return name;
    }

    /** Returns the device node of partition {@code number}, such as {@code /dev/loop3p1}. */
    public Path partition(int number) {
        return Path.of("/dev/" + name + "p" + number);
    }

    /** Returns whether partx added the partitions, so they have no PARTNAME, rather than the kernel's own scan. */
    public boolean partitionsAddedByPartx() {
        return partitionsAddedByPartx;
    }

    /**
     * Removes the partitions that partx added, then detaches the device. Runs losetup -d even when
     * partx -d fails. Calling it again does nothing.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        if (partitionsAddedByPartx) {
            try {
                ExternalCommand.run("partx", "-d", device.toString());
            } catch (IOException e) {
                failure = e;
            }
        }
        try {
            ExternalCommand.run("losetup", "-d", device.toString());
        } catch (IOException e) {
            if (failure != null) {
                e.addSuppressed(failure);
            }
            failure = e;
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void closeAfterFailure(Exception attachFailure) {
        try {
            close();
        } catch (IOException e) {
            attachFailure.addSuppressed(e);
        }
    }

    /** Polls sysfs until the device lists a partition whose device node exists, or the wait ends. */
    private boolean awaitPartitions(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            if (hasPartitions()) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for partitions of " + device);
            }
        }
    }

    private boolean hasPartitions() throws IOException {
        Path directory = Path.of("/sys/class/block", name);
        try (Stream<Path> children = Files.list(directory)) {
            return children.anyMatch(child -> Files.isRegularFile(child.resolve("partition"))
                    && Files.exists(Path.of("/dev", child.getFileName().toString())));
        }
    }

    @Override
    public String toString() {
        return device.toString();
    }
}
