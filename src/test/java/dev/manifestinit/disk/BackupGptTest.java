package dev.manifestinit.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.os.LinuxKernel;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Repairs backup GPTs in image files and checks the result with sgdisk. Rootless.
 *
 * <p>The base image is 64 MiB of 512-byte sectors with the table sgdisk writes: the primary
 * header at LBA 1, the primary entry array at LBA 2-33 (128 entries of 128 bytes), rofs-a (16 MiB)
 * from LBA 2048, rwfs (8 MiB) and hostfw (4 MiB) after it, the backup entry array at LBA
 * 131039-131070 and the backup header at LBA 131071. "Grown" images are that image extended with
 * zeros to 256 MiB, whose last LBA is 524287, as after writing it to a larger eMMC.
 */
class BackupGptTest {
    private static final int SECTOR = 512;
    private static final long BASE_MIB = 64;
    private static final long GROWN_MIB = 256;
    private static final long GROWN_LAST_LBA = GROWN_MIB * 1024 * 1024 / SECTOR - 1;
    /** The problem sgdisk -v reports for a misplaced backup: the state before the repair. */
    private static final String MISPLACED_PROBLEM = "The secondary header's self-pointer indicates that it doesn't reside";
    private static final Pattern PROBLEM = Pattern.compile("(?s)Problem: (.*?)(?:\\n\\n|\\z)");

    @TempDir
    Path directory;

    @Test
    void grownImageRepairedLikeSgdisk() throws Exception {
        Path image = grownImage("grown.img");
        Path reference = Files.copy(image, directory.resolve("reference.img"));
        Sgdisk.run(reference, "-e");

        BackupGpt.Inspection inspection = BackupGpt.inspect(image, SECTOR);
        assertEquals(BackupGpt.State.MISPLACED, inspection.state(), inspection.problem());
        BackupGpt.Repair repair = BackupGpt.repair(inspection);

        assertTrue(verify(image).contains("No problems found"), verify(image));
        assertEquals(Sgdisk.summary(reference), Sgdisk.summary(image));
        for (int number = 1; number <= 3; number++) {
            assertEquals(Sgdisk.info(reference, number), Sgdisk.info(image, number), "partition " + number);
        }
        assertArrayEquals(readSectors(reference, 1, 1), readSectors(image, 1, 1), "primary header");
        assertArrayEquals(readSectors(reference, GROWN_LAST_LBA - 32, 33), readSectors(image, GROWN_LAST_LBA - 32, 33),
                "backup entry array and header");
        assertEquals(List.of("backup entry array", "backup header", "primary header"),
                repair.writes().stream().map(BackupGpt.Write::structure).toList());
        assertEquals(GROWN_LAST_LBA, repair.newAlternateLba());
        assertEquals(GROWN_LAST_LBA - 33, repair.newLastUsableLba());
    }

    @Test
    void secondRepairChangesNothing() throws Exception {
        Path image = grownImage("grown.img");
        BackupGptRepair repairer = new BackupGptRepair(new LinuxKernel(), SysfsBlockDevices.system());
        assertTrue(repairer.repair(image).changed());
        String before = sha256(image);

        BackupGptRepair.Result second = repairer.repair(image);

        assertFalse(second.changed());
        assertEquals(BackupGpt.State.CORRECT, second.state());
        assertTrue(second.detail().contains("matches the primary"), second.detail());
        assertEquals(before, sha256(image));
    }

    @Test
    void staleHeaderInLastSectorDetected() throws Exception {
        // A 256 MiB disk that once held a table of its own, then got the 64 MiB image written over
        // its start: the last sector still contains the old table's valid backup header.
        Path image = directory.resolve("stale.img");
        truncate(image, GROWN_MIB);
        Sgdisk.run(image, "--clear", "--new=1:2048:+100M", "--change-name=1:old-data");
        Path base = baseImage("base.img");
        try (FileChannel target = FileChannel.open(image, StandardOpenOption.WRITE);
                FileChannel source = FileChannel.open(base, StandardOpenOption.READ)) {
            source.transferTo(0, source.size(), target.position(0));
        }
        byte[] lastSector = readSectors(image, GROWN_LAST_LBA, 1);
        assertEquals("EFI PART", new String(lastSector, 0, 8, StandardCharsets.ISO_8859_1),
                "the trap: a signature check of the last sector finds a header");

        BackupGpt.Inspection inspection = BackupGpt.inspect(image, SECTOR);

        assertEquals(BackupGpt.State.MISPLACED, inspection.state());
        assertTrue(inspection.problem().contains("stale"), inspection.problem());
        BackupGpt.repair(inspection);
        assertTrue(verify(image).contains("No problems found"), verify(image));
        assertEquals(List.of("rofs-a", "rwfs", "hostfw"),
                GptReader.read(image, SECTOR).entries().stream().map(GptEntry::name).toList());
    }

    @Test
    void damagedBackupRewrittenInPlace() throws Exception {
        Path image = baseImage("damaged.img");
        long lastLba = BASE_MIB * 1024 * 1024 / SECTOR - 1;
        GptReaderTest.flipByte(image, lastLba * SECTOR + 60);
        byte[] primaryBefore = readSectors(image, 1, 1);

        BackupGpt.Inspection inspection = BackupGpt.inspect(image, SECTOR);
        assertEquals(BackupGpt.State.DAMAGED, inspection.state());
        assertTrue(inspection.problem().contains("CRC32"), inspection.problem());
        BackupGpt.Repair repair = BackupGpt.repair(inspection);

        assertEquals(List.of("backup entry array", "backup header"),
                repair.writes().stream().map(BackupGpt.Write::structure).toList());
        assertArrayEquals(primaryBefore, readSectors(image, 1, 1), "the primary must not be written");
        assertTrue(verify(image).contains("No problems found"), verify(image));
    }

    @Test
    void backupOfOtherTableDetected() throws Exception {
        // Same size, and the last sector contains a valid backup header, but of another table.
        Path image = baseImage("other.img");
        Path other = directory.resolve("other-table.img");
        truncate(other, BASE_MIB);
        Sgdisk.run(other, "--clear", "--new=1:2048:+10M", "--change-name=1:old-data");
        long lastLba = BASE_MIB * 1024 * 1024 / SECTOR - 1;
        writeSectors(image, lastLba - 32, readSectors(other, lastLba - 32, 33));

        BackupGpt.Inspection inspection = BackupGpt.inspect(image, SECTOR);

        assertEquals(BackupGpt.State.DAMAGED, inspection.state());
        assertTrue(inspection.problem().contains("disk GUID"), inspection.problem());
        BackupGpt.repair(inspection);
        assertTrue(verify(image).contains("No problems found"), verify(image));
    }

    @Test
    void correctTableLeftAlone() throws Exception {
        Path image = baseImage("correct.img");

        BackupGpt.Inspection inspection = BackupGpt.inspect(image, SECTOR);

        assertEquals(BackupGpt.State.CORRECT, inspection.state());
        assertFalse(inspection.needsRepair());
        assertThrows(IllegalArgumentException.class, () -> BackupGpt.repair(inspection));
    }

    /**
     * Stops the repair as a power cut would, after {@code completed} writes each followed by
     * fdatasync, with the next write not made at all or made only in part. sgdisk must then still
     * find the same partitions with no problem but the one the image had before, and a new repair
     * must finish the job.
     */
    @ParameterizedTest
    @CsvSource({"0, false", "1, false", "2, false", "0, true", "1, true", "2, true"})
    void powerCutLeavesValidTable(int completed, boolean tornWrite) throws Exception {
        Path image = grownImage("cut.img");
        String partitionsBefore = partitionList(image);

        BackupGpt.Inspection inspection = BackupGpt.inspect(image, SECTOR);
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            IOException cut = assertThrows(IOException.class,
                    () -> BackupGpt.repair(inspection, new PowerCut(channel, completed, tornWrite)));
            assertTrue(cut.getMessage().contains("simulated power cut"), cut.getMessage());
        }

        String verification = verify(image);
        for (String problem : problems(verification)) {
            assertTrue(problem.startsWith(MISPLACED_PROBLEM), "unexpected problem: " + problem + "\n" + verification);
        }
        assertEquals(partitionsBefore, partitionList(image));
        assertEquals(List.of("rofs-a", "rwfs", "hostfw"),
                GptReader.read(image, SECTOR).entries().stream().map(GptEntry::name).toList());

        BackupGpt.Inspection again = BackupGpt.inspect(image, SECTOR);
        if (again.needsRepair()) {
            BackupGpt.repair(again);
        }
        assertTrue(verify(image).contains("No problems found"), verify(image));
    }

    /**
     * Cuts the power during the repair of a device that grew by fewer sectors than the backup
     * entry array has. The new array covers the old backup, so between the writes the primary is
     * the only valid copy. sgdisk must use it and find the same partitions, and it also cautions
     * that the old backup's CRC32 is invalid.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void smallGrowthKeepsPrimaryAfterPowerCut(int completed) throws Exception {
        Path image = baseImage("small.img");
        String partitionsBefore = partitionList(image);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(file.length() + 8 * SECTOR);
        }

        BackupGpt.Inspection inspection = BackupGpt.inspect(image, SECTOR);
        assertEquals(BackupGpt.State.MISPLACED, inspection.state());
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertThrows(IOException.class, () -> BackupGpt.repair(inspection, new PowerCut(channel, completed, false)));
        }

        String verification = verify(image);
        for (String problem : problems(verification)) {
            assertTrue(problem.startsWith(MISPLACED_PROBLEM), "unexpected problem: " + problem + "\n" + verification);
        }
        assertEquals(partitionsBefore, partitionList(image));
        assertEquals(GptHeaderCopy.PRIMARY, GptReader.read(image, SECTOR).headerUsed());
        BackupGpt.repair(BackupGpt.inspect(image, SECTOR));
        assertTrue(verify(image).contains("No problems found"), verify(image));
    }

    @Test
    void lastUsableBeyondDeviceRejected() throws Exception {
        // A table made for 256 MiB on a device of 64 MiB: rwfs would be cut short.
        Path image = directory.resolve("shrunk.img");
        truncate(image, GROWN_MIB);
        Sgdisk.run(image, "--clear", "--new=1:2048:+16M", "--change-name=1:rofs-a",
                "--new=2:0:+100M", "--change-name=2:rwfs");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(BASE_MIB * 1024 * 1024);
        }
        String before = sha256(image);

        DiskException error = assertThrows(DiskException.class, () -> BackupGpt.inspect(image, SECTOR));

        assertTrue(error.getMessage().contains("last usable LBA 524254 lies beyond the device's last LBA 131071"),
                error.getMessage());
        assertTrue(error.getMessage().contains(image.toString()), error.getMessage());
        assertEquals(before, sha256(image));
    }

    @Test
    void slightlyShrunkDeviceRepairedWhenPartitionsFit() throws Exception {
        Path image = baseImage("shrunk.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(file.length() - 16 * SECTOR);
        }

        BackupGpt.Inspection inspection = BackupGpt.inspect(image, SECTOR);
        assertEquals(BackupGpt.State.MISPLACED, inspection.state());
        BackupGpt.Repair repair = BackupGpt.repair(inspection);

        assertEquals(131055 - 33, repair.newLastUsableLba());
        assertTrue(verify(image).contains("No problems found"), verify(image));
    }

    @Test
    void backupOverlappingPartitionRejected() throws Exception {
        // The last partition fills the usable range, so a shrunk device leaves no room for the backup.
        Path image = directory.resolve("full.img");
        truncate(image, BASE_MIB);
        Sgdisk.run(image, "--clear", "--new=1:2048:0", "--change-name=1:rwfs");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(file.length() - 16 * SECTOR);
        }
        BackupGpt.Inspection inspection = BackupGpt.inspect(image, SECTOR);
        String before = sha256(image);

        DiskException error = assertThrows(DiskException.class, () -> BackupGpt.repair(inspection));

        assertTrue(error.getMessage().contains("would overlap partition 1 (rwfs)"), error.getMessage());
        assertEquals(before, sha256(image));
    }

    @Test
    void invalidPrimaryNotRepaired() throws Exception {
        Path image = baseImage("primary.img");
        GptReaderTest.flipByte(image, SECTOR + 60);
        String before = sha256(image);

        BackupGptRepair.Result result = new BackupGptRepair(new LinuxKernel(), SysfsBlockDevices.system())
                .repair(image);

        assertEquals(BackupGpt.State.PRIMARY_INVALID, result.state());
        assertFalse(result.changed());
        assertTrue(result.detail().contains("header CRC32 mismatch"), result.detail());
        assertTrue(result.detail().contains("nothing was written"), result.detail());
        assertEquals(before, sha256(image));
    }

    @Test
    void noValidCopyRaises() throws Exception {
        Path image = baseImage("none.img");
        long lastLba = BASE_MIB * 1024 * 1024 / SECTOR - 1;
        GptReaderTest.flipByte(image, SECTOR + 60);
        GptReaderTest.flipByte(image, lastLba * SECTOR + 60);

        InvalidGptException error = assertThrows(InvalidGptException.class, () -> BackupGpt.inspect(image, SECTOR));

        assertTrue(error.getMessage().startsWith("no valid GPT on " + image), error.getMessage());
    }

    @Test
    void checkReportsWithoutWriting() throws Exception {
        Path image = grownImage("check.img");
        String before = sha256(image);

        BackupGptRepair.Result result = new BackupGptRepair(new LinuxKernel(), SysfsBlockDevices.system())
                .check(image);

        assertEquals(BackupGpt.State.MISPLACED, result.state());
        assertFalse(result.changed());
        assertTrue(result.detail().contains("names LBA 131071 as the backup's, but the device's last LBA is 524287"),
                result.detail());
        assertEquals(before, sha256(image));
    }

    /** Fails a write as a power cut would, after a number of complete writes. */
    private static final class PowerCut implements BackupGpt.SectorWriter {
        private final FileChannel channel;
        private final int completeWrites;
        private final boolean tearNextWrite;
        private int writes;

        /** @param tearNextWrite whether the write that the cut interrupts reaches the device in part: its first half */
        PowerCut(FileChannel channel, int completeWrites, boolean tearNextWrite) {
            this.channel = channel;
            this.completeWrites = completeWrites;
            this.tearNextWrite = tearNextWrite;
        }

        @Override
        public void write(long lba, ByteBuffer data) throws IOException {
            ByteBuffer remaining = data.duplicate().clear();
            if (writes == completeWrites) {
                if (tearNextWrite) {
                    channel.write(remaining.limit(remaining.capacity() / 2), lba * SECTOR);
                    channel.force(false);
                }
                throw new IOException("simulated power cut after " + completeWrites + " writes");
            }
            writes++;
            channel.write(remaining, lba * SECTOR);
        }

        @Override
        public void sync() throws IOException {
            channel.force(false);
        }
    }

    private Path baseImage(String name) throws IOException {
        Path image = directory.resolve(name);
        truncate(image, BASE_MIB);
        Sgdisk.run(image, "--clear",
                "--new=1:2048:+16M", "--change-name=1:rofs-a",
                "--new=2:0:+8M", "--change-name=2:rwfs",
                "--new=3:0:+4M", "--change-name=3:hostfw");
        return image;
    }

    private Path grownImage(String name) throws IOException {
        Path image = baseImage(name);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(GROWN_MIB * 1024 * 1024);
        }
        return image;
    }

    private static void truncate(Path image, long mebibytes) throws IOException {
        Files.deleteIfExists(image);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(mebibytes * 1024 * 1024);
        }
    }

    private static String verify(Path image) throws IOException {
        return Sgdisk.run(image, "--verify");
    }

    private static List<String> problems(String verification) {
        Matcher matcher = PROBLEM.matcher(verification);
        List<String> problems = new java.util.ArrayList<>();
        while (matcher.find()) {
            problems.add(matcher.group(1).replace('\n', ' '));
        }
        return problems;
    }

    /** Returns the partition lines of sgdisk --print: number, first and last sector, size, code and name. */
    private static String partitionList(Path image) throws IOException {
        String output = Sgdisk.run(image, "--print");
        return output.substring(output.indexOf("Number"));
    }

    private static byte[] readSectors(Path image, long lba, int count) throws IOException {
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(count * SECTOR);
            while (buffer.hasRemaining() && channel.read(buffer, lba * SECTOR + buffer.position()) >= 0) {
                // Reads until the buffer is full.
            }
            return buffer.array();
        }
    }

    private static void writeSectors(Path image, long lba, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), lba * SECTOR);
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
