package dev.manifestinit.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.exec.ProcessToolRunner;
import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.manifest.MountOptions;
import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.os.LinuxKernel;
import dev.manifestinit.os.NativeException;
import dev.manifestinit.testing.ExternalCommand;
import dev.manifestinit.testing.LoopDevice;
import dev.manifestinit.testing.NeedsRoot;
import dev.manifestinit.testing.Privileges;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Empties an overlay's work directory on a real ext4 rwfs and mounts the overlay, also on an rwfs
 * with no free blocks, and mounts the rwfs read-only when a filesystem check requests it. Needs root; the mounts exist only in the test JVM's private mount namespace
 * and are detached after each test.
 *
 * <p>The rwfs is an 8 MiB ext4 image with 1 KiB blocks on a loop device, mounted at rwfs/. It
 * contains upper/ and work/ for an overlay on target/, whose lower directory is lower/ outside
 * the rwfs. The work directory holds what an earlier mount left there: overlayfs's own work/work
 * and a stale file inside it.
 */
@NeedsRoot
class OverlayWorkDirectoryTest {
    private static final int MNT_DETACH = 2;
    private static final long OVERLAY_MAGIC = FilesystemType.OVERLAY.magic();

    private final LinuxKernel kernel = new LinuxKernel();
    private final Deque<Path> mounted = new ArrayDeque<>();

    @TempDir
    Path directory;

    private LoopDevice loop;
    private Path rwfs;
    private Path work;
    private Path target;

    @BeforeEach
    void mountRwfs() throws Exception {
        Privileges.requirePrivateMountNamespace();
        Path image = directory.resolve("rwfs.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(8L * 1024 * 1024);
        }
        ExternalCommand.run("mkfs.ext4", "-q", "-F", "-b", "1024", image.toString());
        loop = LoopDevice.attachUnpartitioned(image, 512);
        rwfs = Files.createDirectory(directory.resolve("rwfs"));
        mount(loop.device().toString(), rwfs, "ext4", "");

        Path lower = Files.createDirectories(directory.resolve("lower"));
        Files.writeString(lower.resolve("hostname"), "rainier\n");
        Files.createDirectories(rwfs.resolve("upper"));
        work = Files.createDirectories(rwfs.resolve("work"));
        target = Files.createDirectories(directory.resolve("target"));
        // An earlier boot's overlay leaves work/work behind, here with a file in it.
        mountOverlay();
        Files.writeString(target.resolve("changed"), "persisted in upper\n");
        unmount(target);
        Files.writeString(work.resolve("work/#stale"), "left by a crash\n");
    }

    @AfterEach
    void detachAll() throws Exception {
        try {
            while (!mounted.isEmpty()) {
                kernel.unmount(mounted.pop().toString(), MNT_DETACH);
            }
        } finally {
            if (loop != null) {
                loop.close();
            }
        }
    }

    @Test
    void fullRwfsStillMountsOverlay() throws Exception {
        fill();
        assertEquals(0, Files.getFileStore(rwfs).getUnallocatedSpace(), "the rwfs must have no free blocks");
        NativeException full = assertThrows(NativeException.class,
                () -> kernel.makeDirectory(rwfs.resolve("probe").toString(), 0755));
        assertEquals("ENOSPC", full.errnoName());

        Outcome emptied = emptyWorkDirectory().apply(context());

        assertFalse(emptied.skipped());
        assertEquals("removed 2 entries", emptied.detail());
        assertTrue(Files.isDirectory(work));
        assertEquals(List.of(), list(work));

        Outcome overlay = mountOverlayStep().apply(context());
        mounted.push(target);

        assertFalse(overlay.skipped());
        assertEquals(OVERLAY_MAGIC, kernel.filesystemMagic(target.toString()));
        assertEquals("persisted in upper\n", Files.readString(target.resolve("changed")));
        assertEquals("rainier\n", Files.readString(target.resolve("hostname")));
        assertTrue(mountOptions(target).contains("rw"), mountOptions(target).toString());
    }

    @Test
    void secondRunSkipsWhileOverlayMounted() throws Exception {
        emptyWorkDirectory().apply(context());
        mountOverlayStep().apply(context());
        mounted.push(target);
        List<String> workContents = list(work);

        Outcome second = emptyWorkDirectory().apply(context());

        assertTrue(second.skipped());
        assertEquals("the overlay on " + target + " is mounted and uses " + work, second.detail());
        assertEquals(workContents, list(work));
    }

    @Test
    void emptyWorkDirectorySkipped() throws Exception {
        emptyWorkDirectory().apply(context());

        Outcome second = emptyWorkDirectory().apply(context());

        assertTrue(second.skipped());
        assertEquals(work + " is empty", second.detail());
    }

    @Test
    void readOnlyRequestMountsReadOnly() throws Exception {
        // The kernel mounts a filesystem read-only only where no read-write mount of it exists.
        unmount(rwfs);
        PartitionLabel label = new PartitionLabel("rwfs");
        Path mountPoint = Files.createDirectory(directory.resolve("var"));
        StepContext context = context();
        context.recordPartitions(Map.of(label, loop.device().toString()));
        context.requestReadOnly(label);
        MountFilesystem step = new MountFilesystem(new MountSource.Partition(label), new AbsolutePath(mountPoint.toString()),
                FilesystemType.EXT4, MountOptions.parse(List.of("rw", "noatime")));

        Outcome outcome = step.apply(context);
        mounted.push(mountPoint);

        assertTrue(outcome.detail().contains("mounted read-only"), outcome.detail());
        assertEquals("ro", mountOptions(mountPoint).get(0));
        assertTrue(mountOptions(mountPoint).contains("noatime"), mountOptions(mountPoint).toString());
    }

    private EmptyWorkDirectory emptyWorkDirectory() {
        return new EmptyWorkDirectory(new AbsolutePath(work.toString()), new AbsolutePath(target.toString()));
    }

    private MountOverlay mountOverlayStep() {
        return new MountOverlay(new AbsolutePath(target.toString()), new AbsolutePath(directory.resolve("lower").toString()),
                new AbsolutePath(rwfs.resolve("upper").toString()), new AbsolutePath(work.toString()));
    }

    private void mountOverlay() throws NativeException {
        mount("overlay", target, "overlay", "lowerdir=" + directory.resolve("lower") + ",upperdir="
                + rwfs.resolve("upper") + ",workdir=" + work);
    }

    private void mount(String source, Path mountPoint, String type, String data) throws NativeException {
        kernel.mount(source, mountPoint.toString(), type, Set.of(), data);
        mounted.push(mountPoint);
    }

    private void unmount(Path mountPoint) throws NativeException {
        kernel.unmount(mountPoint.toString(), 0);
        mounted.remove(mountPoint);
    }

    private StepContext context() {
        return new StepContext(kernel, null, new ProcessToolRunner());
    }

    /**
     * Writes one file until the filesystem has no free block left. Root may use the blocks that
     * mkfs reserves for root, but not the clusters that ext4 keeps back for metadata
     * (/sys/fs/ext4/DEVICE/reserved_clusters), so those are released first.
     */
    private void fill() throws IOException {
        Files.writeString(Path.of("/sys/fs/ext4", loop.name(), "reserved_clusters"), "0\n");
        byte[] block = new byte[1024];
        try (OutputStream file = Files.newOutputStream(rwfs.resolve("filler"))) {
            while (true) {
                file.write(block);
                file.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
    }

    private static List<String> list(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
        }
    }

    /** Returns the per-mount options of the topmost mount at {@code mountPoint}, from /proc/self/mountinfo. */
    private static List<String> mountOptions(Path mountPoint) throws IOException {
        List<String> options = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields[4].equals(mountPoint.toString())) {
                options = List.of(fields[5].split(","));
            }
        }
        if (options == null) {
            throw new AssertionError(mountPoint + " is not a mount point");
        }
        return options;
    }
}
