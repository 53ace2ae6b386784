package dev.manifestinit.testing;

import static dev.manifestinit.testing.DiskImages.partition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.disk.GptEntry;
import dev.manifestinit.disk.GptReader;
import dev.manifestinit.disk.GptTable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the images of src/sandbox/make-disk-image through {@link DiskImages}, without root. */
class MakeDiskImageTest {
    private static final int SECTOR = 512;
    private static final long MIB_SECTORS = 1024 * 1024 / SECTOR;
    /** s_magic of an ext2/3/4 superblock, which starts 1024 bytes into the filesystem. */
    private static final int EXT4_MAGIC = 0xEF53;
    private static final int EXT4_MAGIC_OFFSET = 1024 + 56;

    @TempDir
    Path directory;

    @Test
    void rainierLayoutAndContents() throws IOException {
        Path rootfs = Files.createDirectories(directory.resolve("rootfs/etc"));
        Files.writeString(rootfs.resolve("os-release"), "ID=test-bmc\n");
        Path image = DiskImages.createRainier(directory.resolve("rainier.img"), directory.resolve("rootfs"));

        GptTable table = GptReader.read(image, SECTOR);

        assertEquals(96L * 1024 * 1024, Files.size(image));
        List<GptEntry> entries = table.entries();
        assertEquals(List.of("rofs-a", "rofs-b", "rwfs", "hostfw"), entries.stream().map(GptEntry::name).toList());
        assertEquals(List.of(1, 2, 3, 4), entries.stream().map(GptEntry::index).toList());
        long[] sizesMiB = {24, 24, 16, 8};
        long expectedStart = MIB_SECTORS;
        for (int i = 0; i < entries.size(); i++) {
            GptEntry entry = entries.get(i);
            assertEquals(expectedStart, entry.firstLba(), "first LBA of " + entry.name());
            assertEquals(expectedStart + sizesMiB[i] * MIB_SECTORS - 1, entry.lastLba(), "last LBA of " + entry.name());
            assertEquals(EXT4_MAGIC, readUnsignedShort(image, entry.firstLba() * SECTOR + EXT4_MAGIC_OFFSET),
                    "ext4 magic in " + entry.name());
            expectedStart = entry.lastLba() + 1;
        }
        assertEquals("ID=test-bmc\n", debugfsCat(image, entries.get(0), "/etc/os-release"));
        assertEquals("ID=test-bmc\n", debugfsCat(image, entries.get(1), "/etc/os-release"));
    }

    @Test
    void duplicateLabelAllowed() throws IOException {
        Path image = DiskImages.create(directory.resolve("duplicate.img"), 16,
                partition("rofs-a", 4), partition("rwfs", 4), partition("rofs-a", 4));

        List<GptEntry> entries = GptReader.read(image, SECTOR).entries();

        assertEquals(List.of("rofs-a", "rwfs", "rofs-a"), entries.stream().map(GptEntry::name).toList());
    }

    @Test
    void partitionsTooLargeRejected() {
        Path image = directory.resolve("small.img");

        IOException error = assertThrows(IOException.class,
                () -> DiskImages.create(image, 8, partition("rofs-a", 8)));

        assertTrue(error.getMessage().contains("partition rofs-a ends at sector 18431, beyond the last usable"
                + " sector 16350"), error.getMessage());
    }

    @Test
    void invalidSizeRejected() {
        IOException error = assertThrows(IOException.class, () -> ExternalCommand.run(
                DiskImages.script().toString(), directory.resolve("x.img").toString(),
                "--size", "8X", "--partition", "a:1M"));

        assertTrue(error.getMessage().contains("invalid size '8X'"), error.getMessage());
        assertTrue(error.getMessage().contains("exit status 1"), error.getMessage());
    }

    @Test
    void nonRegularFileRejected() {
        IOException error = assertThrows(IOException.class, () -> ExternalCommand.run(
                DiskImages.script().toString(), "/dev/null", "--size", "8M", "--partition", "a:1M"));

        assertTrue(error.getMessage().contains("'/dev/null' exists and is not a regular file"), error.getMessage());
    }

    /** Reads a file from the ext4 filesystem of {@code entry} with debugfs, which takes a byte offset into the image. */
    private static String debugfsCat(Path image, GptEntry entry, String path) throws IOException {
        return ExternalCommand.run("debugfs", "-R", "cat " + path, image + "?offset=" + entry.firstLba() * SECTOR);
    }

    private static int readUnsignedShort(Path file, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(buffer, position);
        }
        return Short.toUnsignedInt(buffer.getShort(0));
    }
}
