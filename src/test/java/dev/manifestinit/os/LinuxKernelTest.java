package dev.manifestinit.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests the calls of {@link LinuxKernel} that need no root and change nothing outside a temporary directory. */
class LinuxKernelTest {
    private static final long PROC_SUPER_MAGIC = 0x9fa0;

    private final LinuxKernel kernel = new LinuxKernel();

    @Test
    void makeDirectoryCreatesWithMode(@TempDir Path directory) throws Exception {
        Path created = directory.resolve("created");

        kernel.makeDirectory(created.toString(), 0700);

        FileStatus status = kernel.status(created.toString(), true);
        assertNotNull(status);
        assertTrue(status.isDirectory());
        assertEquals(0700, status.mode() & 07777);
    }

    @Test
    void makeDirectoryExistingNamesEexistAndPath(@TempDir Path directory) {
        NativeException e = assertThrows(NativeException.class, () -> kernel.makeDirectory(directory.toString(), 0755));

        assertEquals("mkdir", e.operation());
        assertEquals("EEXIST", e.errnoName());
        assertEquals(17, e.errno());
        assertEquals("mkdir (\"" + directory + "\", 0755): EEXIST (File exists)", e.getMessage());
    }

    @Test
    void statusOfRegularFile(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("file"), "12345");

        FileStatus status = kernel.status(file.toString(), false);

        assertNotNull(status);
        assertTrue(status.isRegularFile());
        assertFalse(status.isDirectory());
        assertEquals(5, status.size());
        assertFalse(status.mountRoot());
    }

    @Test
    void statusDeviceMatchesStat(@TempDir Path directory) throws Exception {
        long device = (Long) Files.getAttribute(directory, "unix:dev");

        FileStatus status = kernel.status(directory.toString(), true);

        // glibc's gnu_dev_major and gnu_dev_minor: the major number is bits 8-19 and 32-43 of dev_t.
        assertNotNull(status);
        assertEquals((device >>> 8 & 0xfff) | (device >>> 32 & ~0xfffL), status.deviceMajor());
        assertEquals((device & 0xff) | (device >>> 12 & ~0xffL), status.deviceMinor());
    }

    @Test
    void statusOfDirectory(@TempDir Path directory) throws Exception {
        FileStatus status = kernel.status(directory.toString(), true);

        assertNotNull(status);
        assertTrue(status.isDirectory());
        assertFalse(status.isRegularFile());
    }

    @Test
    void statusOfSymbolicLinkFollowsOnRequest(@TempDir Path directory) throws Exception {
        Path target = Files.writeString(directory.resolve("target"), "data");
        Path link = Files.createSymbolicLink(directory.resolve("link"), target);

        FileStatus linkStatus = kernel.status(link.toString(), false);
        FileStatus targetStatus = kernel.status(link.toString(), true);

        assertNotNull(linkStatus);
        assertTrue(linkStatus.isSymbolicLink());
        assertNotNull(targetStatus);
        assertTrue(targetStatus.isRegularFile());
        assertEquals(4, targetStatus.size());
    }

    @Test
    void statusOfDanglingLink(@TempDir Path directory) throws Exception {
        Path link = Files.createSymbolicLink(directory.resolve("dangling"), directory.resolve("missing"));

        assertTrue(kernel.status(link.toString(), false).isSymbolicLink());
        assertNull(kernel.status(link.toString(), true));
    }

    @Test
    void statusOfMissingPathIsNull(@TempDir Path directory) throws Exception {
        assertNull(kernel.status(directory.resolve("missing").toString(), true));
    }

    @Test
    void statusBelowRegularFileIsNull(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("file"), "");

        assertNull(kernel.status(file.resolve("below").toString(), true));
    }

    @Test
    void statusOfNonAsciiNameUsesUtf8(@TempDir Path directory) throws Exception {
        // The shell creates the name from explicit UTF-8 bytes, so the JVM's locale plays no part.
        Process touch = new ProcessBuilder("sh", "-c", "touch \"$1/$(printf 'gr\\303\\266\\303\\237e')\"", "sh",
                directory.toString()).start();
        assertEquals(0, touch.waitFor());

        assertNotNull(kernel.status(directory + "/gr\u00f6\u00dfe", false));
    }

    @Test
    void filesystemMagicOfProc() throws Exception {
        assertEquals(PROC_SUPER_MAGIC, kernel.filesystemMagic("/proc"));
    }

    @Test
    void filesystemMagicOfMissingPathNamesEnoent(@TempDir Path directory) {
        String missing = directory.resolve("missing").toString();

        NativeException e = assertThrows(NativeException.class, () -> kernel.filesystemMagic(missing));

        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains(missing), e.getMessage());
    }

    @Test
    void isMountPointOfProcAndRoot() throws Exception {
        assertTrue(kernel.isMountPoint("/proc"));
        assertTrue(kernel.isMountPoint("/"));
    }

    @Test
    void isMountPointOfPlainDirectory(@TempDir Path directory) throws Exception {
        Path child = Files.createDirectory(directory.resolve("child"));

        assertFalse(kernel.isMountPoint(child.toString()));
    }

    @Test
    void changeDirectoryToMissingNamesPath(@TempDir Path directory) {
        String missing = directory.resolve("missing").toString();

        NativeException e = assertThrows(NativeException.class, () -> kernel.changeDirectory(missing));

        assertEquals("chdir", e.operation());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("chdir (\"" + missing + "\"): ENOENT (No such file or directory)", e.getMessage());
    }

    @Test
    void executeMissingProgramNamesPathAndArguments(@TempDir Path directory) {
        String missing = directory.resolve("init").toString();

        NativeException e = assertThrows(NativeException.class,
                () -> kernel.execute(missing, List.of("init", "--flag"), List.of("SECRET=x")));

        assertEquals("execve", e.operation());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("execve (\"" + missing + "\", [\"init\", \"--flag\"], 1 variables): ENOENT (No such file or directory)",
                e.getMessage());
        assertFalse(e.getMessage().contains("SECRET"));
    }

    @Test
    void processIdMatchesJava() {
        assertEquals(ProcessHandle.current().pid(), kernel.processId());
    }

    @Test
    void closeOnExecFromRejectsNegative() {
        assertThrows(IllegalArgumentException.class, () -> kernel.closeOnExecFrom(-1));
    }

    @Test
    void errnoNameFallsBackToNumber() {
        assertEquals("ENOENT", NativeLibrary.errnoName(2));
        assertEquals("errno 4000", NativeLibrary.errnoName(4000));
    }

    @Test
    void quoteEscapesControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\nd\\x01\"", NativeLibrary.quote("a\"b\\c\nd\u0001"));
        assertEquals("NULL", NativeLibrary.quote(null));
    }

    @Test
    void unmountFlagsAsText() {
        assertEquals("0", LinuxKernel.describeUnmountFlags(0));
        assertEquals("MNT_DETACH", LinuxKernel.describeUnmountFlags(2));
        assertEquals("MNT_FORCE|MNT_DETACH|0x20", LinuxKernel.describeUnmountFlags(0x23));
    }

    @Test
    void openFlagsPerArchitecture() {
        assertEquals(new OpenFlags(0200000, 0400000), OpenFlags.of(Architecture.of("amd64")));
        assertEquals(new OpenFlags(040000, 0100000), OpenFlags.of(Architecture.of("arm")));
        assertEquals(new OpenFlags(040000, 0100000), OpenFlags.of(Architecture.of("aarch64")));
    }

    @Test
    void openFlagsAsText() {
        OpenFlags flags = OpenFlags.of(Architecture.of("arm"));

        assertEquals("O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC",
                flags.describe(040000 | 0100000 | OpenFlags.CLOSE_ON_EXEC));
        assertEquals("O_RDONLY|01", flags.describe(1));
    }

    @Test
    void blockIoctlPerArchitecture() {
        assertEquals(0x125FL, BlockIoctl.of(Architecture.of("amd64")).rereadPartitionTable());
        assertEquals(0x125FL, BlockIoctl.of(Architecture.of("arm")).rereadPartitionTable());
        assertEquals(0x125FL, BlockIoctl.of(Architecture.of("aarch64")).rereadPartitionTable());
        assertEquals(0x2000125FL, BlockIoctl.of(Architecture.of("ppc64le")).rereadPartitionTable());
    }

    @Test
    void rereadPartitionTableOfRegularFileNamesEnotty(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("image"), "not a disk");

        NativeException e = assertThrows(NativeException.class, () -> kernel.rereadPartitionTable(file.toString()));

        assertEquals("ioctl", e.operation());
        assertEquals("ENOTTY", e.errnoName());
        assertEquals("ioctl (\"" + file + "\", BLKRRPART): ENOTTY (Inappropriate ioctl for device)", e.getMessage());
    }

    @Test
    void rereadPartitionTableOfMissingDeviceNamesPath(@TempDir Path directory) {
        String missing = directory.resolve("mmcblk9").toString();

        NativeException e = assertThrows(NativeException.class, () -> kernel.rereadPartitionTable(missing));

        assertEquals("openat", e.operation());
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains(missing), e.getMessage());
    }
}
