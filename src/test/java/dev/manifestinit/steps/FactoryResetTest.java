package dev.manifestinit.steps;

import static dev.manifestinit.testing.DiskImages.partition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.exec.ProcessToolRunner;
import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.manifest.ResetGpio;
import dev.manifestinit.os.LinuxKernel;
import dev.manifestinit.testing.DiskImages;
import dev.manifestinit.testing.ExternalCommand;
import dev.manifestinit.testing.LoopDevice;
import dev.manifestinit.testing.NeedsRoot;
import dev.manifestinit.testing.Privileges;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The factory reset steps on a real disk image: mkfs.ext4 on loop partitions, kept files through
 * a staging directory, and the request in a u-boot environment file.
 *
 * <p>Disk layout (make-disk-image, 64 MiB): partition 1 rwfs (16 MiB ext4 with persist/etc/hostname
 * and a 1 MiB file), partition 2 hostfw (16 MiB ext4 with hostfw-a, hostfw-b, patch/file and
 * alternate), partition 3 other (8 MiB ext4 with a marker), which no step may touch.
 */
@NeedsRoot
class FactoryResetTest {
    private static final PartitionLabel RWFS = new PartitionLabel("rwfs");
    private static final PartitionLabel HOSTFW = new PartitionLabel("hostfw");

    @TempDir
    Path directory;
    private Path image;
    private Path config;

    @BeforeEach
    void createImage() throws IOException {
        Path rwfs = Files.createDirectories(directory.resolve("rwfs/persist/etc"));
        Files.writeString(rwfs.resolve("hostname"), "configured-by-user\n");
        Files.write(directory.resolve("rwfs/big"), new byte[1 << 20]);
        Path hostfw = Files.createDirectories(directory.resolve("hostfw/patch"));
        Files.write(directory.resolve("hostfw/hostfw-a"), pattern(300_000, 1));
        Files.write(directory.resolve("hostfw/hostfw-b"), pattern(200_000, 2));
        Files.writeString(hostfw.resolve("file"), "patch\n");
        Files.writeString(directory.resolve("hostfw/alternate"), "b\n");
        Path other = Files.createDirectories(directory.resolve("other"));
        Files.writeString(other.resolve("marker"), "untouched\n");
        image = DiskImages.create(directory.resolve("disk.img"), 64, partition("rwfs", 16, directory.resolve("rwfs")),
                partition("hostfw", 16, directory.resolve("hostfw")), partition("other", 8, other));
        config = environment("bootcmd=run boot\nrwreset=true\n");
    }

    @Test
    void resetFormatsAndKeepsNamedFiles() throws Exception {
        Privileges.requirePrivateMountNamespace();
        try (LoopDevice loop = LoopDevice.attach(image)) {
            Map<String, String> otherBefore = files(loop.partition(3));
            Map<String, String> hostfwBefore = files(loop.partition(2));
            StepContext context = context(loop);

            run(context, steps(List.of("hostfw-a", "hostfw-b", "missing")));

            assertEquals(Map.of(), files(loop.partition(1)), "rwfs after the reset");
            Map<String, String> hostfwAfter = files(loop.partition(2));
            assertEquals(Map.of("hostfw-a", hostfwBefore.get("hostfw-a"), "hostfw-b", hostfwBefore.get("hostfw-b")),
                    hostfwAfter, "hostfw after the reset");
            assertEquals(otherBefore, files(loop.partition(3)), "the partition not named changed");
            assertEquals(null, variable("rwreset"), "rwreset after the reset");
            assertEquals("run boot", variable("bootcmd"));
        }
    }

    @Test
    void destroyedSuperblockStillFormatsByLabel() throws Exception {
        Privileges.requirePrivateMountNamespace();
        try (LoopDevice loop = LoopDevice.attach(image)) {
            // The primary ext4 superblock is at byte 1024 of the partition, which starts at 1 MiB.
            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                file.seek((1 << 20) + 1024);
                file.write(new byte[1024]);
            }
            ExternalCommand.run("blockdev", "--flushbufs", loop.partition(1).toString());
            StepContext context = context(loop);

            run(context, steps(List.of()));

            assertEquals(Map.of(), files(loop.partition(1)), "rwfs after the reset");
        }
    }

    @Test
    void interruptedResetRepeats() throws Exception {
        Privileges.requirePrivateMountNamespace();
        try (LoopDevice loop = LoopDevice.attach(image)) {
            Map<String, String> hostfwBefore = files(loop.partition(2));
            // lost+found is a directory, which cannot be kept: the hostfw step fails before it formats.
            List<Step> failing = steps(List.of("hostfw-a", "lost+found"));
            StepContext first = context(loop);
            failing.get(0).apply(first);
            failing.get(1).apply(first);
            StepFailure failure = assertThrows(StepFailure.class, () -> failing.get(2).apply(first));
            assertTrue(failure.getMessage().contains("lost+found"), failure.getMessage());
            assertTrue(failure.getMessage().contains("nothing was formatted"), failure.getMessage());
            assertEquals(hostfwBefore, files(loop.partition(2)), "hostfw after the failed step");
            assertEquals("true", variable("rwreset"), "the request must survive a failed reset");

            StepContext second = context(loop);
            run(second, steps(List.of("hostfw-a")));

            assertEquals(null, variable("rwreset"), "rwreset after the repeated reset");
            assertEquals(Map.of("hostfw-a", hostfwBefore.get("hostfw-a")), files(loop.partition(2)));
        }
    }

    @Test
    void notABlockDeviceIsNeverFormatted() throws Exception {
        StepContext context = new StepContext(new LinuxKernel(), null, new ProcessToolRunner(), GpioLines.NONE);
        Path file = Files.write(directory.resolve("not-a-device"), new byte[4096]);
        context.recordPartitions(Map.of(RWFS, file.toString()));
        steps(List.of()).get(0).apply(context);

        ReformatPartition step = new ReformatPartition(RWFS, FilesystemType.EXT4, List.of(), staging());
        StepFailure failure = assertThrows(StepFailure.class, () -> step.apply(context));
        assertTrue(failure.getMessage().contains("not a block device"), failure.getMessage());
        assertEquals(4096, Files.size(file));
    }

    private StepContext context(LoopDevice loop) {
        StepContext context = new StepContext(new LinuxKernel(), null, new ProcessToolRunner(),
                new ResetTriggersTest.SettableGpio(OptionalInt.empty()));
        context.recordPartitions(Map.of(RWFS, loop.partition(1).toString(), HOSTFW, loop.partition(2).toString()));
        return context;
    }

    private List<Step> steps(List<String> keep) {
        AbsolutePath environment = new AbsolutePath(config.toString());
        return List.of(new ReadResetTriggers(environment, "rwreset", new ResetGpio("factory-reset-toggle", "rwreset")),
                new ReformatPartition(RWFS, FilesystemType.EXT4, List.of(), staging()),
                new ReformatPartition(HOSTFW, FilesystemType.EXT4, keep, staging()),
                new ClearResetRequest(environment));
    }

    private AbsolutePath staging() {
        return new AbsolutePath(directory.resolve("staging").toString());
    }

    private static void run(StepContext context, List<Step> steps) throws Exception {
        for (Step step : steps) {
            step.apply(context);
        }
    }

    /** Mounts a partition read-only in this test's mount namespace and returns SHA-256 per regular file. */
    private Map<String, String> files(Path device) throws Exception {
        Path mountPoint = Files.createDirectories(directory.resolve("inspect"));
        ExternalCommand.run("mount", "-o", "ro", device.toString(), mountPoint.toString());
        try (Stream<Path> walk = Files.walk(mountPoint)) {
            Map<String, String> files = new TreeMap<>();
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                files.put(mountPoint.relativize(file).toString(), HexFormat.of().formatHex(digest));
            }
            return files;
        } finally {
            ExternalCommand.run("umount", mountPoint.toString());
        }
    }

    private Path environment(String variables) throws IOException {
        Path text = Files.writeString(directory.resolve("variables.txt"), variables);
        Path copy = directory.resolve("env.bin");
        ExternalCommand.run("mkenvimage", "-s", "0x4000", "-o", copy.toString(), text.toString());
        Path file = directory.resolve("fw_env.config");
        Files.writeString(file, copy + " 0x0 0x4000\n");
        return file;
    }

    private String variable(String name) throws IOException {
        for (String line : ExternalCommand.run("fw_printenv", "-c", config.toString()).split("\n")) {
            if (line.startsWith(name + "=")) {
                return line.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static byte[] pattern(int size, int seed) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }
}
