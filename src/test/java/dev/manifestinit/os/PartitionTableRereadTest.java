package dev.manifestinit.os;

import static dev.manifestinit.testing.DiskImages.partition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.DiskImages;
import dev.manifestinit.testing.ExternalCommand;
import dev.manifestinit.testing.LoopDevice;
import dev.manifestinit.testing.NeedsRoot;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls BLKRRPART on real loop devices. The image is 32 MiB with a GPT of two partitions, a
 * (8 MiB) and b (8 MiB), made by make-disk-image. Needs root.
 *
 * <p>On a kernel without GPT support, LoopDevice adds the partitions with partx, and a re-read
 * drops them because the kernel's own scan finds none. On a kernel with GPT support the re-read
 * finds the same partitions again, with PARTNAME set.
 */
@NeedsRoot
class PartitionTableRereadTest {
    private final LinuxKernel kernel = new LinuxKernel();

    @TempDir
    Path directory;

    @Test
    void rereadReplacesPartitionsWithKernelScan() throws Exception {
        try (LoopDevice loop = LoopDevice.attach(image())) {
            kernel.rereadPartitionTable(loop.device().toString());

            List<String> partNames = partNames(loop);
            if (loop.partitionsAddedByPartx()) {
                assertEquals(List.of(), partNames, "the kernel cannot find GPT partitions itself");
                // Restores what LoopDevice.close removes.
                ExternalCommand.run("partx", "-a", loop.device().toString());
            } else {
                assertEquals(List.of("a", "b"), partNames);
            }
        }
    }

    @Test
    void rereadWithOpenPartitionNamesEbusy() throws Exception {
        try (LoopDevice loop = LoopDevice.attach(image());
                FileChannel open = FileChannel.open(loop.partition(1), StandardOpenOption.READ)) {
            NativeException e = assertThrows(NativeException.class,
                    () -> kernel.rereadPartitionTable(loop.device().toString()));

            assertEquals("EBUSY", e.errnoName());
            assertEquals("ioctl (\"" + loop.device() + "\", BLKRRPART): EBUSY (Device or resource busy)", e.getMessage());
            assertEquals(2, partNames(loop).size() + unnamedPartitions(loop), "the partitions must stay");
        }
    }

    @Test
    void rereadWithoutPartitionScanNamesEinval() throws Exception {
        try (LoopDevice loop = LoopDevice.attachUnpartitioned(image(), 512)) {
            NativeException e = assertThrows(NativeException.class,
                    () -> kernel.rereadPartitionTable(loop.device().toString()));

            assertEquals("EINVAL", e.errnoName());
            assertTrue(e.getMessage().contains(loop.device().toString()), e.getMessage());
        }
    }

    private Path image() throws IOException {
        return DiskImages.create(directory.resolve("disk.img"), 32, partition("a", 8), partition("b", 8));
    }

    /** Returns the PARTNAME of each partition of the loop device that has one, in partition order. */
    private static List<String> partNames(LoopDevice loop) throws IOException {
        return partitionDirectories(loop).stream()
                .flatMap(directory -> partName(directory).stream())
                .toList();
    }

    private static int unnamedPartitions(LoopDevice loop) throws IOException {
        return (int) partitionDirectories(loop).stream().filter(directory -> partName(directory).isEmpty()).count();
    }

    private static List<Path> partitionDirectories(LoopDevice loop) throws IOException {
        try (Stream<Path> children = Files.list(Path.of("/sys/class/block", loop.name()))) {
            return children.filter(child -> Files.isRegularFile(child.resolve("partition"))).sorted().toList();
        }
    }

    private static List<String> partName(Path directory) {
        try {
            return Files.readAllLines(directory.resolve("uevent"), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("PARTNAME="))
                    .map(line -> line.substring("PARTNAME=".length()))
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + directory.resolve("uevent"), e);
        }
    }
}
