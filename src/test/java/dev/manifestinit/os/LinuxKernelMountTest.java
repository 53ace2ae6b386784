package dev.manifestinit.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.NeedsRoot;
import dev.manifestinit.testing.Privileges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests the mount calls and removeContents of {@link LinuxKernel} on tmpfs mounts made in a
 * temporary directory. They need root. The mounts exist only in the test JVM's private mount
 * namespace, and each test unmounts what it mounted.
 */
@NeedsRoot
class LinuxKernelMountTest {
    private static final long TMPFS_MAGIC = 0x01021994L;
    private static final int MNT_DETACH = 2;

    private final LinuxKernel kernel = new LinuxKernel();
    /** Mount points to detach after the test, the latest first. */
    private final Deque<Path> mounted = new ArrayDeque<>();

    @TempDir
    Path directory;

    @BeforeEach
    void requireNamespace() {
        Privileges.requirePrivateMountNamespace();
    }

    @AfterEach
    void unmountAll() throws NativeException {
        while (!mounted.isEmpty()) {
            kernel.unmount(mounted.pop().toString(), MNT_DETACH);
        }
    }

    @Test
    void mountTmpfsWithFlagsAndData() throws Exception {
        Path target = Files.createDirectory(directory.resolve("target"));

        mountTmpfs(target, EnumSet.of(MountFlag.NOSUID, MountFlag.NODEV, MountFlag.NOEXEC), "size=1m,mode=0750");

        MountTable.Entry entry = MountTable.find(target).orElseThrow();
        assertEquals("tmpfs", entry.fsType());
        assertTrue(entry.mountOptionList().containsAll(List.of("rw", "nosuid", "nodev", "noexec")), entry.mountOptions());
        assertTrue(entry.superOptionList().contains("size=1024k"), entry.superOptions());
        assertTrue(entry.superOptionList().contains("mode=750"), entry.superOptions());
    }

    @Test
    void mountReadOnly() throws Exception {
        Path target = Files.createDirectory(directory.resolve("target"));

        mountTmpfs(target, EnumSet.of(MountFlag.RDONLY), null);

        MountTable.Entry entry = MountTable.find(target).orElseThrow();
        assertEquals("ro", entry.mountOptionList().get(0));
    }

    @Test
    void mountInvalidDataNamesArguments() throws Exception {
        Path target = Files.createDirectory(directory.resolve("target"));

        NativeException e = assertThrows(NativeException.class,
                () -> kernel.mount("tmpfs", target.toString(), "tmpfs", EnumSet.of(MountFlag.RDONLY), "size=bogus"));

        assertEquals("mount", e.operation());
        assertEquals("EINVAL", e.errnoName());
        assertEquals("mount (\"tmpfs\", \"" + target + "\", \"tmpfs\", MS_RDONLY, \"size=bogus\"): EINVAL (Invalid argument)",
                e.getMessage());
    }

    @Test
    void bindMountShowsSameFiles() throws Exception {
        Path source = Files.createDirectory(directory.resolve("source"));
        Path target = Files.createDirectory(directory.resolve("target"));
        mountTmpfs(source, EnumSet.noneOf(MountFlag.class), null);
        Files.writeString(source.resolve("file"), "bound");

        kernel.mount(source.toString(), target.toString(), null, EnumSet.of(MountFlag.BIND), null);
        mounted.push(target);

        assertEquals("bound", Files.readString(target.resolve("file")));
        assertTrue(kernel.isMountPoint(target.toString()));
    }

    @Test
    void moveMountChangesMountPoint() throws Exception {
        Path from = Files.createDirectory(directory.resolve("from"));
        Path to = Files.createDirectory(directory.resolve("to"));
        kernel.mount("tmpfs", from.toString(), "tmpfs", EnumSet.noneOf(MountFlag.class), null);
        Files.writeString(from.resolve("file"), "moved");

        kernel.mount(from.toString(), to.toString(), null, EnumSet.of(MountFlag.MOVE), null);
        mounted.push(to);

        assertTrue(MountTable.find(from).isEmpty());
        assertEquals("tmpfs", MountTable.find(to).orElseThrow().fsType());
        assertEquals("moved", Files.readString(to.resolve("file")));
        assertFalse(kernel.isMountPoint(from.toString()));
    }

    @Test
    void unmountRemovesMount() throws Exception {
        Path target = Files.createDirectory(directory.resolve("target"));
        kernel.mount("tmpfs", target.toString(), "tmpfs", EnumSet.noneOf(MountFlag.class), null);

        kernel.unmount(target.toString(), 0);

        assertTrue(MountTable.find(target).isEmpty());
    }

    @Test
    void unmountNotMountedNamesEinvalAndPath() throws Exception {
        Path target = Files.createDirectory(directory.resolve("target"));

        NativeException e = assertThrows(NativeException.class, () -> kernel.unmount(target.toString(), MNT_DETACH));

        assertEquals("umount2", e.operation());
        assertEquals("EINVAL", e.errnoName());
        assertEquals("umount2 (\"" + target + "\", MNT_DETACH): EINVAL (Invalid argument)", e.getMessage());
    }

    @Test
    void filesystemMagicOfTmpfs() throws Exception {
        Path target = Files.createDirectory(directory.resolve("target"));
        mountTmpfs(target, EnumSet.noneOf(MountFlag.class), null);

        assertEquals(TMPFS_MAGIC, kernel.filesystemMagic(target.toString()));
    }

    @Test
    void isMountPointOfTmpfsRootOnly() throws Exception {
        Path target = Files.createDirectory(directory.resolve("target"));
        mountTmpfs(target, EnumSet.noneOf(MountFlag.class), null);
        Path inside = Files.createDirectory(target.resolve("inside"));

        assertTrue(kernel.isMountPoint(target.toString()));
        assertTrue(kernel.status(target.toString(), true).mountRoot());
        assertFalse(kernel.isMountPoint(inside.toString()));
    }

    /**
     * Layout, all on one tmpfs at {@code root} except where noted:
     * <pre>
     * root/file
     * root/nested/a/b/c/deep          nested directories
     * root/locked/inner               locked has mode 000
     * root/link -> ../outside/target  a symbolic link out of the tree
     * root/mount/kept                 mount is a second tmpfs
     * outside/target                  beside root, not below it
     * </pre>
     */
    @Test
    void removeContentsKeepsMountsAndLinkTargets() throws Exception {
        Path root = Files.createDirectory(directory.resolve("root"));
        mountTmpfs(root, EnumSet.noneOf(MountFlag.class), null);
        Path outside = Files.createDirectory(directory.resolve("outside"));
        Path linkTarget = Files.writeString(outside.resolve("target"), "outside");

        Files.writeString(root.resolve("file"), "x");
        Files.createDirectories(root.resolve("nested/a/b/c"));
        Files.writeString(root.resolve("nested/a/b/c/deep"), "x");
        Path locked = Files.createDirectory(root.resolve("locked"));
        Files.writeString(locked.resolve("inner"), "x");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Files.createSymbolicLink(root.resolve("link"), Path.of("../outside/target"));
        Path mount = Files.createDirectory(root.resolve("mount"));
        mountTmpfs(mount, EnumSet.noneOf(MountFlag.class), null);
        Files.writeString(mount.resolve("kept"), "kept");

        long removed = kernel.removeContents(root.toString());

        // file, nested, a, b, c, deep, locked, inner, link
        assertEquals(9, removed);
        assertEquals(List.of("mount"), names(root));
        assertEquals("kept", Files.readString(mount.resolve("kept")));
        assertEquals("outside", Files.readString(linkTarget));
    }

    @Test
    void removeContentsKeepsParentsOfMount() throws Exception {
        Path root = Files.createDirectory(directory.resolve("root"));
        mountTmpfs(root, EnumSet.noneOf(MountFlag.class), null);
        Path mount = Files.createDirectories(root.resolve("deep/inner/mount"));
        Files.writeString(root.resolve("deep/sibling"), "x");
        Files.writeString(root.resolve("deep/inner/sibling"), "x");
        mountTmpfs(mount, EnumSet.noneOf(MountFlag.class), null);
        Files.writeString(mount.resolve("kept"), "kept");

        long removed = kernel.removeContents(root.toString());

        assertEquals(2, removed);
        assertEquals(List.of("deep"), names(root));
        assertEquals(List.of("inner"), names(root.resolve("deep")));
        assertEquals(List.of("mount"), names(root.resolve("deep/inner")));
        assertEquals("kept", Files.readString(mount.resolve("kept")));
    }

    /** A bind mount of the same filesystem has the same device; only STATX_ATTR_MOUNT_ROOT shows it. */
    @Test
    void removeContentsKeepsBindMountOfSameFilesystem() throws Exception {
        Path filesystem = Files.createDirectory(directory.resolve("filesystem"));
        mountTmpfs(filesystem, EnumSet.noneOf(MountFlag.class), null);
        Path source = Files.createDirectory(filesystem.resolve("source"));
        Files.writeString(source.resolve("kept"), "kept");
        Path root = Files.createDirectory(filesystem.resolve("root"));
        Path view = Files.createDirectory(root.resolve("view"));
        Files.writeString(root.resolve("file"), "x");
        kernel.mount(source.toString(), view.toString(), null, EnumSet.of(MountFlag.BIND), null);
        mounted.push(view);

        long removed = kernel.removeContents(root.toString());

        assertEquals(1, removed);
        assertEquals(List.of("view"), names(root));
        assertEquals("kept", Files.readString(source.resolve("kept")));
    }

    /**
     * A file that is a mount point is unlinked without statx, because getdents64 reports it as a
     * regular file. unlinkat fails with EBUSY, so the mounted file stays and the rest goes.
     */
    @Test
    void removeContentsKeepsFileMountPoint() throws Exception {
        Path root = Files.createDirectory(directory.resolve("root"));
        mountTmpfs(root, EnumSet.noneOf(MountFlag.class), null);
        Path source = Files.writeString(directory.resolve("source"), "kept");
        Path target = Files.writeString(root.resolve("target"), "");
        Files.writeString(root.resolve("file"), "x");
        kernel.mount(source.toString(), target.toString(), null, EnumSet.of(MountFlag.BIND), null);
        mounted.push(target);

        NativeException e = assertThrows(NativeException.class, () -> kernel.removeContents(root.toString()));

        assertEquals("unlinkat", e.operation());
        assertEquals("EBUSY", e.errnoName());
        assertTrue(e.getMessage().contains("<" + root + ">, \"target\", 0)"), e.getMessage());
        assertEquals(List.of("target"), names(root));
        assertEquals("kept", Files.readString(target));
        assertEquals("kept", Files.readString(source));
    }

    @Test
    void removeContentsOfSymbolicLinkIsRejected() throws Exception {
        Path root = Files.createDirectory(directory.resolve("root"));
        Files.writeString(root.resolve("file"), "x");
        Path link = Files.createSymbolicLink(directory.resolve("link"), root);

        NativeException e = assertThrows(NativeException.class, () -> kernel.removeContents(link.toString()));

        // With O_DIRECTORY set, open(2) reports a symbolic link under O_NOFOLLOW as ENOTDIR, not ELOOP.
        assertEquals("openat", e.operation());
        assertEquals("ENOTDIR", e.errnoName());
        assertTrue(e.getMessage().contains(link.toString()), e.getMessage());
        assertEquals(List.of("file"), names(root));
    }

    /**
     * An immutable file cannot be unlinked even by root. The walk goes on past it, removes the rest,
     * and then throws the failure naming the directory and the file.
     */
    @Test
    void removeContentsReportsFirstFailureAfterWalk() throws Exception {
        Path root = Files.createDirectory(directory.resolve("root"));
        mountTmpfs(root, EnumSet.noneOf(MountFlag.class), null);
        Path keep = Files.createDirectory(root.resolve("keep"));
        Path locked = Files.writeString(keep.resolve("immutable"), "x");
        Files.writeString(keep.resolve("other"), "x");
        Files.writeString(root.resolve("file"), "x");
        Assumptions.assumeTrue(chattr("+i", locked) == 0, "tmpfs supports the immutable flag from Linux 6.0 on");
        try {
            NativeException e = assertThrows(NativeException.class, () -> kernel.removeContents(root.toString()));

            assertEquals("unlinkat", e.operation());
            assertEquals("EPERM", e.errnoName());
            assertTrue(e.getMessage().contains("<" + keep + ">, \"immutable\", 0)"), e.getMessage());
            assertEquals(List.of("keep"), names(root));
            assertEquals(List.of("immutable"), names(keep));
        } finally {
            chattr("-i", locked);
        }
    }

    private void mountTmpfs(Path target, Set<MountFlag> flags, String data) throws NativeException {
        kernel.mount("tmpfs", target.toString(), "tmpfs", flags, data);
        mounted.push(target);
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
        }
    }

    private static int chattr(String change, Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("chattr", change, file.toString()).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }
}
