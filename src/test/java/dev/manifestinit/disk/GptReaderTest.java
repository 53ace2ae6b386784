package dev.manifestinit.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads GPTs that sgdisk writes into image files and compares with what sgdisk prints. Rootless.
 *
 * <p>Every image is 8 MiB of 512-byte sectors: LBA 1 is the primary header, LBAs 2-33 the primary
 * entry array, LBAs 16351-16382 the backup entry array and LBA 16383 the backup header.
 */
class GptReaderTest {
    private static final int SECTOR = 512;
    private static final long LAST_LBA = 8 * 1024 * 1024 / SECTOR - 1;
    private static final UUID LINUX_FILESYSTEM = UUID.fromString("0FC63DAF-8483-4772-8E79-3D69D8477DE4");

    @TempDir
    Path directory;

    @Test
    void entriesMatchSgdisk() throws IOException {
        Path image = image();
        Sgdisk.run(image, "--clear",
                "--new=1:2048:+1M", "--change-name=1:rofs-a",
                "--new=2:0:+1M", "--change-name=2:rofs-b", "--attributes=2:set:2", "--attributes=2:set:60",
                "--new=3:0:+2M", "--change-name=3:rwfs", "--typecode=3:8200");

        GptTable table = GptReader.read(image, SECTOR);

        assertEquals(3, table.entries().size());
        for (GptEntry entry : table.entries()) {
            Sgdisk.Info expected = Sgdisk.info(image, entry.index());
            assertEquals(expected.name(), entry.name(), "name of entry " + entry.index());
            assertEquals(expected.typeGuid(), entry.typeGuid(), "type GUID of entry " + entry.index());
            assertEquals(expected.uniqueGuid(), entry.uniqueGuid(), "unique GUID of entry " + entry.index());
            assertEquals(expected.firstLba(), entry.firstLba(), "first LBA of entry " + entry.index());
            assertEquals(expected.lastLba(), entry.lastLba(), "last LBA of entry " + entry.index());
            assertEquals(expected.attributes(), entry.attributes(), "attributes of entry " + entry.index());
        }
        assertEquals(List.of("rofs-a", "rofs-b", "rwfs"), table.entries().stream().map(GptEntry::name).toList());
        assertEquals(List.of(1, 2, 3), table.entries().stream().map(GptEntry::index).toList());
        assertEquals(LINUX_FILESYSTEM, table.entries().get(0).typeGuid());
        assertEquals(1L << 2 | 1L << 60, table.entries().get(1).attributes());
    }

    @Test
    void headerMatchesSgdisk() throws IOException {
        Path image = image();
        Sgdisk.run(image, "--clear", "--new=1:2048:+1M", "--change-name=1:rofs-a");
        Sgdisk.Summary expected = Sgdisk.summary(image);

        GptTable table = GptReader.read(image, SECTOR);
        GptHeader header = table.header();

        assertEquals(GptHeaderCopy.PRIMARY, table.headerUsed());
        assertTrue(table.primaryFailure().isEmpty());
        assertEquals(SECTOR, table.sectorSize());
        assertEquals(image, table.device());
        assertEquals("EFI PART", header.signature());
        assertEquals(0x00010000, header.revision());
        assertEquals(92, header.headerSize());
        assertEquals(readInt(image, SECTOR + 16), header.headerCrc32());
        assertEquals(1, header.currentLba());
        assertEquals(LAST_LBA, header.alternateLba());
        assertEquals(expected.firstUsableLba(), header.firstUsableLba());
        assertEquals(expected.lastUsableLba(), header.lastUsableLba());
        assertEquals(expected.diskGuid(), header.diskGuid());
        assertEquals(2, header.entryArrayLba());
        assertEquals(expected.entryCount(), header.entryCount());
        assertEquals(128, header.entrySize());
        assertEquals(readInt(image, SECTOR + 88), header.entryArrayCrc32());
    }

    @Test
    void unusedEntriesSkipped() throws IOException {
        Path image = image();
        Sgdisk.run(image, "--clear", "--new=2:2048:+1M", "--change-name=2:second",
                "--new=5:0:+1M", "--change-name=5:fifth");

        GptTable table = GptReader.read(image, SECTOR);

        assertEquals(List.of(2, 5), table.entries().stream().map(GptEntry::index).toList());
        assertEquals(List.of("second", "fifth"), table.entries().stream().map(GptEntry::name).toList());
    }

    @Test
    void longAndNonAsciiLabels() throws IOException {
        String longest = "abcdefghijklmnopqrstuvwxyz0123456789";
        String accented = "Ünïcødé-€-ü";
        // U+1F600 takes two UTF-16 code units. sgdisk 1.0.9 writes the surrogate pair correctly but
        // prints it garbled, so this name is checked against the string itself.
        String astral = "x\uD83D\uDE00y";
        Path image = image();
        Sgdisk.run(image, "--clear",
                "--new=1:2048:+1M", "--change-name=1:" + longest,
                "--new=2:0:+1M", "--change-name=2:" + accented,
                "--new=3:0:+1M", "--change-name=3:" + astral);

        List<GptEntry> entries = GptReader.read(image, SECTOR).entries();

        assertEquals(36, longest.length());
        assertEquals(longest, entries.get(0).name());
        assertEquals(Sgdisk.info(image, 1).name(), entries.get(0).name());
        assertEquals(accented, entries.get(1).name());
        assertEquals(Sgdisk.info(image, 2).name(), entries.get(1).name());
        assertEquals(astral, entries.get(2).name());
    }

    @Test
    void corruptPrimaryHeaderFallsBackToBackup() throws IOException {
        Path image = image();
        Sgdisk.run(image, "--clear", "--new=1:2048:+1M", "--change-name=1:rofs-a",
                "--new=2:0:+1M", "--change-name=2:rwfs");
        List<GptEntry> original = GptReader.read(image, SECTOR).entries();
        int storedCrc = readInt(image, SECTOR + 16);
        // A byte of the disk GUID: the header no longer matches its CRC32.
        flipByte(image, SECTOR + 60);

        GptTable table = GptReader.read(image, SECTOR);

        assertEquals(GptHeaderCopy.BACKUP, table.headerUsed());
        assertEquals(original, table.entries());
        assertEquals(LAST_LBA, table.header().currentLba());
        assertEquals(1, table.header().alternateLba());
        assertEquals(LAST_LBA - 32, table.header().entryArrayLba());
        String message = table.primaryFailure().orElseThrow().getMessage();
        String expectedStart = String.format(Locale.ROOT,
                "GPT header CRC32 mismatch on %s: stored 0x%08X, computed 0x", image, storedCrc);
        assertTrue(message.startsWith(expectedStart), message);
        assertTrue(message.endsWith("(primary header at LBA 1)"), message);
    }

    @Test
    void badPrimarySignatureFallsBackToBackup() throws IOException {
        Path image = image();
        Sgdisk.run(image, "--clear", "--new=1:2048:+1M", "--change-name=1:rofs-a");
        writeBytes(image, SECTOR, new byte[8]);

        GptTable table = GptReader.read(image, SECTOR);

        assertEquals(GptHeaderCopy.BACKUP, table.headerUsed());
        assertEquals("rofs-a", table.entries().get(0).name());
        assertEquals("GPT header signature invalid on " + image
                        + ": found 0x0000000000000000, expected 0x4546492050415254 (\"EFI PART\")"
                        + " (primary header at LBA 1)",
                table.primaryFailure().orElseThrow().getMessage());
    }

    @Test
    void corruptPrimaryEntryArrayFallsBackToBackup() throws IOException {
        Path image = image();
        Sgdisk.run(image, "--clear", "--new=1:2048:+1M", "--change-name=1:rofs-a");
        // The first code unit of entry 1's name, at byte 56 of the entry.
        flipByte(image, 2 * SECTOR + 56);

        GptTable table = GptReader.read(image, SECTOR);

        assertEquals(GptHeaderCopy.BACKUP, table.headerUsed());
        assertEquals("rofs-a", table.entries().get(0).name());
        String message = table.primaryFailure().orElseThrow().getMessage();
        assertTrue(message.startsWith("GPT partition entry array CRC32 mismatch on " + image + ": stored 0x"),
                message);
        assertTrue(message.contains("over 128 entries at LBA 2"), message);
    }

    @Test
    void corruptEntryArraysReported() throws IOException {
        Path image = image();
        Sgdisk.run(image, "--clear", "--new=1:2048:+1M", "--change-name=1:rofs-a");
        flipByte(image, 2 * SECTOR + 56);
        flipByte(image, (LAST_LBA - 32) * SECTOR + 56);

        InvalidGptException error = assertThrows(InvalidGptException.class, () -> GptReader.read(image, SECTOR));

        String message = error.getMessage();
        assertTrue(message.startsWith("no valid GPT on " + image
                + ": primary header at LBA 1: partition entry array CRC32 mismatch: stored 0x"), message);
        assertTrue(message.contains("; backup header at LBA " + LAST_LBA
                + ": partition entry array CRC32 mismatch: stored 0x"), message);
        assertTrue(message.endsWith("over 128 entries at LBA " + (LAST_LBA - 32)), message);
        assertEquals(image, error.device());
        assertInstanceOf(InvalidGptException.class, error.getCause());
        assertEquals(1, error.getSuppressed().length);
    }

    @Test
    void blankImageHasNoGpt() throws IOException {
        Path image = image();

        InvalidGptException error = assertThrows(InvalidGptException.class, () -> GptReader.read(image, SECTOR));

        assertTrue(error.getMessage().startsWith("no valid GPT on " + image
                + ": primary header at LBA 1: header signature invalid"), error.getMessage());
        assertTrue(error.getMessage().contains("backup header at LBA " + LAST_LBA + ": header signature invalid"),
                error.getMessage());
    }

    @Test
    void wrongSectorSizeFindsNoGpt() throws IOException {
        Path image = image();
        Sgdisk.run(image, "--clear", "--new=1:2048:+1M", "--change-name=1:rofs-a");

        InvalidGptException error = assertThrows(InvalidGptException.class, () -> GptReader.read(image, 4096));

        assertTrue(error.getMessage().contains("header signature invalid"), error.getMessage());
    }

    @Test
    void tinyDeviceRejected() throws IOException {
        Path image = directory.resolve("tiny.img");
        Files.write(image, new byte[1024]);

        InvalidGptException error = assertThrows(InvalidGptException.class, () -> GptReader.read(image, SECTOR));

        assertEquals("no GPT on " + image + ": the device has 1024 bytes, fewer than 3 sectors of 512 bytes",
                error.getMessage());
    }

    @Test
    void missingDeviceNamed() {
        Path missing = directory.resolve("missing.img");

        IOException error = assertThrows(IOException.class, () -> GptReader.read(missing, SECTOR));

        assertTrue(error.getMessage().startsWith("failed to open " + missing + " to read its GPT: "),
                error.getMessage());
        assertFalse(error instanceof DiskException);
    }

    @Test
    void invalidSectorSizeRejected() throws IOException {
        Path image = image();

        assertThrows(IllegalArgumentException.class, () -> GptReader.read(image, 1000));
        assertThrows(IllegalArgumentException.class, () -> GptReader.read(image, 256));
    }

    private Path image() throws IOException {
        Path image = directory.resolve("disk.img");
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.truncate(0);
            channel.write(ByteBuffer.allocate(1), (LAST_LBA + 1) * SECTOR - 1);
        }
        return image;
    }

    static int readInt(Path file, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(buffer, position);
        }
        return buffer.getInt(0);
    }

    static void flipByte(Path file, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.read(buffer, position);
            buffer.put(0, (byte) (buffer.get(0) ^ 0xFF));
            channel.write(buffer.clear(), position);
        }
    }

    static void writeBytes(Path file, long position, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), position);
        }
    }
}
