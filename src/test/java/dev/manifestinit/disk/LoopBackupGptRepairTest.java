package dev.manifestinit.disk;

import static dev.manifestinit.testing.DiskImages.partition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.os.FileStatus;
import dev.manifestinit.os.Kernel;
import dev.manifestinit.os.LinuxKernel;
import dev.manifestinit.os.MountFlag;
import dev.manifestinit.os.NativeException;
import dev.manifestinit.testing.DiskImages;
import dev.manifestinit.testing.ExternalCommand;
import dev.manifestinit.testing.LoopDevice;
import dev.manifestinit.testing.NeedsRoot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repairs the backup GPT of a grown image through a real loop device and checks how the kernel
 * learns of the change. Needs root.
 *
 * <p>The image is made by make-disk-image at 32 MiB with rofs-a (8 MiB from sector 2048) and rwfs
 * (8 MiB after it), each an empty ext4, and then extended with zeros to 64 MiB, so its backup GPT
 * sits at LBA 65535 of a device whose last LBA is 131071.
 */
@NeedsRoot
class LoopBackupGptRepairTest {
    private static final List<String> LABELS = List.of("rofs-a", "rwfs");

    @TempDir
    Path directory;

    @Test
    void repairKeepsKernelPartitions() throws Exception {
        Path image = grownImage();
        try (LoopDevice loop = LoopDevice.attach(image)) {
            BackupGptRepair.Result result = new BackupGptRepair(new LinuxKernel(), SysfsBlockDevices.system())
                    .repair(loop.device());

            assertTrue(result.changed(), result.detail());
            assertEquals(BackupGpt.State.MISPLACED, result.state());
            if (loop.partitionsAddedByPartx()) {
                assertTrue(result.detail().contains("BLKRRPART not called"), result.detail());
                assertTrue(result.detail().contains("they match the table"), result.detail());
            } else {
                assertTrue(result.detail().contains("the kernel re-read the partition table"), result.detail());
            }
            Map<String, Partition> found = new PartitionLocator(loop.device()).await(LABELS, Duration.ofSeconds(5));
            assertEquals(loop.partition(1), found.get("rofs-a").device());
            assertEquals(loop.partition(2), found.get("rwfs").device());

            BackupGptRepair.Result second = new BackupGptRepair(new LinuxKernel(), SysfsBlockDevices.system())
                    .repair(loop.device());
            assertFalse(second.changed(), second.detail());
        }
        assertTrue(Sgdisk.run(image, "--verify").contains("No problems found"));
    }

    @Test
    void kernelAskedToRereadWithoutUserSpacePartitions() throws Exception {
        try (LoopDevice loop = LoopDevice.attach(grownImage())) {
            if (loop.partitionsAddedByPartx()) {
                // Leaves the disk as a kernel without GPT support has it after its own scan.
                ExternalCommand.run("partx", "-d", loop.device().toString());
            }

            BackupGptRepair.Result result = new BackupGptRepair(new LinuxKernel(), SysfsBlockDevices.system())
                    .repair(loop.device());

            assertTrue(result.detail().contains("the kernel re-read the partition table (BLKRRPART)"), result.detail());
            if (loop.partitionsAddedByPartx()) {
                ExternalCommand.run("partx", "-a", loop.device().toString());
            }
        }
    }

    @Test
    void busyRereadKeepsPartitions() throws Exception {
        try (LoopDevice loop = LoopDevice.attach(grownImage())) {
            if (loop.partitionsAddedByPartx()) {
                ExternalCommand.run("partx", "-d", loop.device().toString());
            }

            BackupGptRepair.Result result = new BackupGptRepair(new BusyKernel(), SysfsBlockDevices.system())
                    .repair(loop.device());

            assertTrue(result.changed(), result.detail());
            assertTrue(result.detail().contains("EBUSY"), result.detail());
            assertTrue(result.detail().contains("kernel keeps its partitions"), result.detail());
            if (loop.partitionsAddedByPartx()) {
                ExternalCommand.run("partx", "-a", loop.device().toString());
            }
        }
    }

    private Path grownImage() throws IOException {
        Path image = DiskImages.create(directory.resolve("grown.img"), 32, partition("rofs-a", 8),
                partition("rwfs", 8));
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(64L * 1024 * 1024);
        }
        return image;
    }

    /** The real kernel, except that BLKRRPART fails as it does while a partition is mounted. */
    private static final class BusyKernel implements Kernel {
        private final LinuxKernel kernel = new LinuxKernel();

        @Override
        public void rereadPartitionTable(String device) throws NativeException {
            throw new NativeException("ioctl", "(\"" + device + "\", BLKRRPART)", 16, "EBUSY", "Device or resource busy");
        }

        @Override
        public void loadModule(String path, String parameters) throws NativeException {
            kernel.loadModule(path, parameters);
        }

        @Override
        public FileStatus status(String path, boolean followLinks) throws NativeException {
            return kernel.status(path, followLinks);
        }

        @Override
        public void mount(String source, String target, String fsType, Set<MountFlag> flags, String data) {
            throw new UnsupportedOperationException("mount");
        }

        @Override
        public void unmount(String target, int flags) {
            throw new UnsupportedOperationException("unmount");
        }

        @Override
        public void makeDirectory(String path, int mode) {
            throw new UnsupportedOperationException("makeDirectory");
        }

        @Override
        public void changeDirectory(String path) {
            throw new UnsupportedOperationException("changeDirectory");
        }

        @Override
        public void changeRoot(String path) {
            throw new UnsupportedOperationException("changeRoot");
        }

        @Override
        public long filesystemMagic(String path) {
            throw new UnsupportedOperationException("filesystemMagic");
        }

        @Override
        public boolean isMountPoint(String path) {
            throw new UnsupportedOperationException("isMountPoint");
        }

        @Override
        public long removeContents(String path) {
            throw new UnsupportedOperationException("removeContents");
        }

        @Override
        public int processId() {
            return kernel.processId();
        }

        @Override
        public void closeOnExecFrom(int lowest) {
            throw new UnsupportedOperationException("closeOnExecFrom");
        }

        @Override
        public void execute(String path, List<String> arguments, List<String> environment) {
            throw new UnsupportedOperationException("execute");
        }

        @Override
        public void reboot(dev.manifestinit.os.RebootCommand command) {
            throw new UnsupportedOperationException("reboot");
        }
    }
}
