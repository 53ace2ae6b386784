package dev.manifestinit.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks that a disk's backup GPT sits at the end of the device and matches the primary, and
 * writes it there from the primary when it does not, with plain file IO.
 *
 * <p>An image made for a small device and written to a larger one keeps its backup header at the
 * image's last LBA, somewhere inside the larger device. The primary header's alternate LBA still
 * names that place, and that field, compared with the device's last LBA, is what finds the
 * misplaced backup. The last sector itself can hold an {@code EFI PART} header left by an older,
 * larger table, so finding a signature there proves nothing.
 *
 * <p>The repair copies the primary entry array to the sectors just before the last LBA, writes a
 * backup header at the last LBA, and then points the primary at it, moving its last usable LBA
 * to the sector before the backup array, as {@code sgdisk -e} (gdisk 1.0.9) does. No partition
 * entry changes. See {@link #repair(Inspection, SectorWriter)} for why the table stays valid if
 * the power fails between any two writes.
 *
 * <p>Unlike sgdisk -e, the repair leaves the protective MBR's size field as it is. Linux
 * (is_pmbr_valid in block/partitions/efi.c) logs only a debug message when that field does not
 * cover the whole device, to allow images written to larger disks, but it ignores the whole GPT
 * when LBA 0 contains no valid protective MBR. Writing LBA 0 would risk that for a cosmetic field.
 */
public final class BackupGpt {
    /** LBA of the primary header, and the alternate LBA that a backup header names. */
    private static final long PRIMARY_LBA = 1;

    private BackupGpt() {
    }

    /** The state of a disk's backup GPT, as {@link #inspect} finds it. */
    public enum State {
        /** The primary names the last LBA as its alternate, and the backup there matches the primary. */
        CORRECT,
        /** The primary's alternate LBA is not the last LBA of the device, as after an image is written to a larger device. */
        MISPLACED,
        /** The primary names the last LBA, but the header there or its entry array is invalid or belongs to another table. */
        DAMAGED,
        /**
         * The primary header or its entry array is invalid and the backup at the last LBA is valid.
         * Readers use the backup, and this class repairs only a backup from a valid primary.
         */
        PRIMARY_INVALID
    }

    /** Writes sectors of the device; tests replace it to stop the repair between two writes. */
    interface SectorWriter {
        /** Writes {@code data}, a whole number of sectors, from {@code lba} on. */
        void write(long lba, ByteBuffer data) throws IOException;

        /** Makes every write so far durable: fdatasync(2) on the device. */
        void sync() throws IOException;
    }

    /**
     * One write of the repair, for the log.
     *
     * @param structure the structure written, such as {@code backup header}
     * @param firstLba first LBA written
     * @param lastLba last LBA written, inclusive
     */
    public record Write(String structure, long firstLba, long lastLba) {
        @Override
        public String toString() {
            return structure + (firstLba == lastLba ? " at LBA " + firstLba : " at LBA " + firstLba + "-" + lastLba);
        }
    }

    /**
     * The writes of one repair and the primary's fields before and after it.
     *
     * @param writes the writes in the order made, each followed by fdatasync
     */
    public record Repair(Path device, State before, List<Write> writes, long oldAlternateLba, long newAlternateLba,
            long oldLastUsableLba, long newLastUsableLba) {

        public Repair {
            writes = List.copyOf(writes);
        }

        /** Describes the repair in one line for the boot log. */
        public String describe() {
            String primary = oldAlternateLba == newAlternateLba && oldLastUsableLba == newLastUsableLba
                    ? "the primary header was already right"
                    : "primary alternate LBA " + oldAlternateLba + " -> " + newAlternateLba + ", last usable LBA "
                            + oldLastUsableLba + " -> " + newLastUsableLba;
            return "wrote " + writes.stream().map(Write::toString).reduce((a, b) -> a + ", then " + b).orElse("nothing")
                    + " on " + device + " (" + primary + ")";
        }
    }

    /** The backup's state as {@link #inspect} found it, with the primary's bytes that a repair copies. */
    public static final class Inspection {
        private final Path device;
        private final int sectorSize;
        private final long lastLba;
        private final State state;
        private final String problem;
        private final GptHeader primary;
        private final ByteBuffer primarySector;
        private final ByteBuffer entryArray;
        private final List<GptEntry> entries;

        Inspection(Path device, int sectorSize, long lastLba, State state, String problem, GptHeader primary,
                ByteBuffer primarySector, ByteBuffer entryArray, List<GptEntry> entries) {
            this.device = device;
            this.sectorSize = sectorSize;
            this.lastLba = lastLba;
            this.state = state;
            this.problem = problem;
            this.primary = primary;
            this.primarySector = primarySector;
            this.entryArray = entryArray;
            this.entries = entries == null ? List.of() : List.copyOf(entries);
        }

        public Path device() {
            return device;
        }

        public int sectorSize() {
            return sectorSize;
        }

        /** Returns the last LBA of the device, where the backup header belongs. */
        public long lastLba() {
            return lastLba;
        }

        public State state() {
            return state;
        }

        /** Returns what is wrong, for a message; empty when the state is {@link State#CORRECT}. */
        public String problem() {
            return problem;
        }

        /** Returns the primary header, absent when the state is {@link State#PRIMARY_INVALID}. */
        public Optional<GptHeader> primary() {
            return Optional.ofNullable(primary);
        }

        /** Returns the used entries of the primary entry array; empty when the primary is invalid. */
        public List<GptEntry> entries() {
            return entries;
        }

        /** Returns whether {@link BackupGpt#repair} has something to write. */
        public boolean needsRepair() {
            return state == State.MISPLACED || state == State.DAMAGED;
        }
    }

    /**
     * Reads the primary GPT of {@code device} and the backup that it names, and returns what state
     * the backup is in. Reads only.
     *
     * @throws DiskException when the primary header's last usable LBA or a partition lies beyond
     *     the device: the table was made for a larger device, and partitions may be cut short
     * @throws InvalidGptException when neither the primary nor the backup at the last LBA is valid
     * @throws IOException when the device cannot be read
     */
    public static Inspection inspect(Path device, int sectorSize) throws IOException {
        try (FileChannel channel = GptReader.open(device)) {
            return inspect(device, channel, sectorSize);
        }
    }

    private static Inspection inspect(Path device, FileChannel channel, int sectorSize) throws IOException {
        long lastLba = lastLba(device, channel, sectorSize);
        GptReader.TableReader reader = new GptReader.TableReader(device, channel, sectorSize);

        GptHeader primary;
        ByteBuffer entryArray;
        try {
            // The bound is the largest LBA, so that a usable range past the device's end is
            // reported below as what it is, rather than as an invalid primary.
            primary = reader.readHeader(GptHeaderCopy.PRIMARY, PRIMARY_LBA, Long.MAX_VALUE);
            if (primary.entryArrayLba() > lastLba - arraySectors(primary, sectorSize) + 1) {
                return primaryInvalid(device, sectorSize, lastLba, "GPT partition entry array of the primary header on "
                        + device + " starts at LBA " + primary.entryArrayLba() + ", beyond the device's last LBA "
                        + lastLba);
            }
            entryArray = reader.readEntryArray(GptHeaderCopy.PRIMARY, primary);
        } catch (InvalidGptException e) {
            return primaryInvalid(device, sectorSize, lastLba, e.getMessage());
        }
        List<GptEntry> entries = GptReader.parseEntries(entryArray, primary);
        checkFitsDevice(device, primary, entries, lastLba);
        ByteBuffer primarySector = reader.readSector(PRIMARY_LBA);

        if (primary.alternateLba() != lastLba) {
            String problem = "the primary GPT header on " + device + " names LBA "
                    + Long.toUnsignedString(primary.alternateLba()) + " as the backup's, but the device's last LBA is "
                    + lastLba;
            if (hasSignature(reader.readSector(lastLba))) {
                problem += "; the GPT header in the last sector is a stale one that the primary does not name";
            }
            return new Inspection(device, sectorSize, lastLba, State.MISPLACED, problem, primary, primarySector,
                    entryArray, entries);
        }

        String mismatch;
        try {
            GptHeader backup = reader.readHeader(GptHeaderCopy.BACKUP, lastLba, lastLba);
            reader.readEntryArray(GptHeaderCopy.BACKUP, backup);
            mismatch = mismatch(primary, backup);
        } catch (InvalidGptException e) {
            mismatch = e.getMessage();
        }
        if (mismatch != null) {
            return new Inspection(device, sectorSize, lastLba, State.DAMAGED, mismatch, primary, primarySector,
                    entryArray, entries);
        }
        return new Inspection(device, sectorSize, lastLba, State.CORRECT, "", primary, primarySector, entryArray,
                entries);
    }

    private static Inspection primaryInvalid(Path device, int sectorSize, long lastLba, String primaryProblem)
            throws IOException {
        // Raises InvalidGptException when the backup at the last LBA is invalid too.
        GptTable table = GptReader.read(device, sectorSize);
        String problem = primaryProblem + "; the backup at LBA " + table.header().currentLba() + " is valid and in use";
        return new Inspection(device, sectorSize, lastLba, State.PRIMARY_INVALID, problem, null, null, null, null);
    }

    /** Rejects a table that reaches past the end of the device, which no repair of the backup can fix. */
    private static void checkFitsDevice(Path device, GptHeader primary, List<GptEntry> entries, long lastLba)
            throws DiskException {
        if (Long.compareUnsigned(primary.lastUsableLba(), lastLba) > 0) {
            throw new DiskException("GPT on " + device + " was made for a larger device: the primary header's last"
                    + " usable LBA " + Long.toUnsignedString(primary.lastUsableLba()) + " lies beyond the device's last"
                    + " LBA " + lastLba + "; partitions may be cut short, so nothing was written");
        }
        for (GptEntry entry : entries) {
            if (Long.compareUnsigned(entry.lastLba(), lastLba) > 0) {
                throw new DiskException("GPT on " + device + " was made for a larger device: partition "
                        + entry.index() + " (" + entry.name() + ") ends at LBA " + Long.toUnsignedString(entry.lastLba())
                        + ", beyond the device's last LBA " + lastLba + "; nothing was written");
            }
        }
    }

    /** Returns how the valid backup differs from the primary it should mirror, or null when it does not. */
    private static String mismatch(GptHeader primary, GptHeader backup) {
        List<String> differences = new ArrayList<>();
        compare(differences, "alternate LBA", PRIMARY_LBA, backup.alternateLba());
        compare(differences, "first usable LBA", primary.firstUsableLba(), backup.firstUsableLba());
        compare(differences, "last usable LBA", primary.lastUsableLba(), backup.lastUsableLba());
        compare(differences, "entry count", primary.entryCount(), backup.entryCount());
        compare(differences, "entry size", primary.entrySize(), backup.entrySize());
        compare(differences, "entry array CRC32", Integer.toUnsignedLong(primary.entryArrayCrc32()),
                Integer.toUnsignedLong(backup.entryArrayCrc32()));
        if (!primary.diskGuid().equals(backup.diskGuid())) {
            differences.add("disk GUID " + backup.diskGuid() + ", expected " + primary.diskGuid());
        }
        if (Long.compareUnsigned(backup.entryArrayLba(), primary.lastUsableLba()) <= 0) {
            differences.add("entry array at LBA " + backup.entryArrayLba() + ", inside the usable range");
        }
        if (differences.isEmpty()) {
            return null;
        }
        return "the backup GPT header at LBA " + backup.currentLba() + " does not match the primary: "
                + String.join(", ", differences);
    }

    private static void compare(List<String> differences, String field, long expected, long found) {
        if (expected != found) {
            differences.add(field + " " + Long.toUnsignedString(found) + ", expected " + Long.toUnsignedString(expected));
        }
    }

    /**
     * Writes the backup GPT at the end of the device from the primary, then points the primary at
     * it, and checks the result by inspecting the device again.
     *
     * @throws IllegalArgumentException when the inspection found nothing to repair
     * @throws DiskException when the device changed size since the inspection, or the backup entry
     *     array would overlap a partition; nothing is written then
     * @throws IOException when a write or fdatasync fails
     */
    public static Repair repair(Inspection inspection) throws IOException {
        Repair repair;
        try (FileChannel channel = FileChannel.open(inspection.device(), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            checkSameSize(inspection, channel);
            repair = repair(inspection, new ChannelWriter(channel, inspection.sectorSize()));
        }
        Inspection after = inspect(inspection.device(), inspection.sectorSize());
        if (after.state() != State.CORRECT) {
            throw new DiskException("the backup GPT on " + inspection.device() + " is still not right after the repair: "
                    + after.problem());
        }
        return repair;
    }

    /**
     * Writes the backup entry array, fdatasync, the backup header, fdatasync, and, when the device
     * grew or shrank, the primary header, fdatasync. Each write leaves a table that readers accept
     * if the power fails before the next one:
     *
     * <ul>
     *   <li>After the backup entry array: the primary is unchanged, and so is the old backup that
     *       its alternate LBA names, unless the device grew by fewer sectors than the array has and
     *       the new array covers the old backup. A valid primary alone is a valid table to Linux
     *       (block/partitions/efi.c) and to sgdisk.
     *   <li>After the backup header: the same, and the new backup is complete, since its array was
     *       made durable first. Nothing names it yet, but a reader whose primary is unusable looks
     *       at the last LBA and finds it.
     *   <li>After the primary header: the primary names the new backup and both describe the same
     *       partitions. A primary torn by the power cut fails its CRC32, and readers take the
     *       backup at the last LBA, which describes the same partitions.
     * </ul>
     *
     * Writing the primary first would be wrong: a primary that names a backup that is not written
     * yet is accepted by readers while its mirror is garbage, so a later failure of the primary
     * would leave no valid copy.
     */
    static Repair repair(Inspection inspection, SectorWriter writer) throws IOException {
        if (!inspection.needsRepair()) {
            throw new IllegalArgumentException("the backup GPT on " + inspection.device() + " is " + inspection.state()
                    + "; there is nothing to repair");
        }
        GptHeader primary = inspection.primary;
        int sectorSize = inspection.sectorSize();
        long lastLba = inspection.lastLba();
        long arraySectors = arraySectors(primary, sectorSize);
        long backupArrayLba = lastLba - arraySectors;
        long primaryArrayEnd = primary.entryArrayLba() + arraySectors - 1;
        // A misplaced backup moves the end of the usable range to just before the new backup
        // array. A damaged backup at the right place keeps the primary's range.
        long lastUsableLba = inspection.state() == State.MISPLACED ? backupArrayLba - 1 : primary.lastUsableLba();
        checkRoomForBackup(inspection, backupArrayLba, lastUsableLba, primaryArrayEnd);

        ByteBuffer backupArray = ByteBuffer.allocate(Math.toIntExact(arraySectors * sectorSize));
        backupArray.put(inspection.entryArray.duplicate().clear()).clear();

        ByteBuffer backupHeader = copy(inspection.primarySector);
        backupHeader.putLong(GptReader.CURRENT_LBA_OFFSET, lastLba);
        backupHeader.putLong(GptReader.ALTERNATE_LBA_OFFSET, PRIMARY_LBA);
        backupHeader.putLong(GptReader.ENTRY_ARRAY_LBA_OFFSET, backupArrayLba);
        backupHeader.putLong(GptReader.LAST_USABLE_LBA_OFFSET, lastUsableLba);
        updateHeaderCrc(backupHeader, primary.headerSize());

        List<Write> writes = new ArrayList<>();
        writer.write(backupArrayLba, backupArray);
        writer.sync();
        writes.add(new Write("backup entry array", backupArrayLba, lastLba - 1));
        writer.write(lastLba, backupHeader);
        writer.sync();
        writes.add(new Write("backup header", lastLba, lastLba));

        if (primary.alternateLba() != lastLba || primary.lastUsableLba() != lastUsableLba) {
            ByteBuffer primaryHeader = copy(inspection.primarySector);
            primaryHeader.putLong(GptReader.ALTERNATE_LBA_OFFSET, lastLba);
            primaryHeader.putLong(GptReader.LAST_USABLE_LBA_OFFSET, lastUsableLba);
            updateHeaderCrc(primaryHeader, primary.headerSize());
            writer.write(PRIMARY_LBA, primaryHeader);
            writer.sync();
            writes.add(new Write("primary header", PRIMARY_LBA, PRIMARY_LBA));
        }
        return new Repair(inspection.device(), inspection.state(), writes, primary.alternateLba(), lastLba,
                primary.lastUsableLba(), lastUsableLba);
    }

    private static void checkRoomForBackup(Inspection inspection, long backupArrayLba, long lastUsableLba,
            long primaryArrayEnd) throws DiskException {
        GptHeader primary = inspection.primary;
        String where = "the backup GPT entry array at LBA " + backupArrayLba + "-" + (inspection.lastLba() - 1)
                + " of " + inspection.device();
        if (lastUsableLba < primary.firstUsableLba() || backupArrayLba <= primaryArrayEnd) {
            throw new DiskException(where + " would overlap the primary GPT or leave no usable sectors"
                    + " (first usable LBA " + primary.firstUsableLba() + "); nothing was written");
        }
        if (Long.compareUnsigned(lastUsableLba, backupArrayLba) >= 0) {
            throw new DiskException(where + " would lie inside the usable range, which the primary header ends at LBA "
                    + Long.toUnsignedString(lastUsableLba) + "; nothing was written");
        }
        for (GptEntry entry : inspection.entries()) {
            if (Long.compareUnsigned(entry.lastLba(), lastUsableLba) > 0) {
                throw new DiskException(where + " would overlap partition " + entry.index() + " (" + entry.name()
                        + "), which ends at LBA " + Long.toUnsignedString(entry.lastLba()) + "; nothing was written");
            }
        }
    }

    private static void checkSameSize(Inspection inspection, FileChannel channel) throws IOException {
        long lastLba = lastLba(inspection.device(), channel, inspection.sectorSize());
        if (lastLba != inspection.lastLba()) {
            throw new DiskException("the size of " + inspection.device() + " changed since its GPT was inspected: last"
                    + " LBA " + lastLba + ", was " + inspection.lastLba() + "; nothing was written");
        }
    }

    private static long lastLba(Path device, FileChannel channel, int sectorSize) throws IOException {
        long sectors = channel.size() / sectorSize;
        if (sectors < 3) {
            throw new InvalidGptException(device, String.format(Locale.ROOT,
                    "no GPT on %s: the device has %d bytes, fewer than 3 sectors of %d bytes", device, channel.size(),
                    sectorSize), "device too small");
        }
        return sectors - 1;
    }

    /** Sectors that the entry array of {@code header} takes. */
    private static long arraySectors(GptHeader header, int sectorSize) {
        long bytes = (long) header.entryCount() * header.entrySize();
        return (bytes + sectorSize - 1) / sectorSize;
    }

    private static boolean hasSignature(ByteBuffer sector) {
        byte[] signature = new byte[GptReader.SIGNATURE.length()];
        sector.get(0, signature);
        return GptReader.SIGNATURE.equals(new String(signature, StandardCharsets.ISO_8859_1));
    }

    private static ByteBuffer copy(ByteBuffer sector) {
        ByteBuffer copy = ByteBuffer.allocate(sector.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(sector.duplicate().clear()).clear();
        return copy;
    }

    /** Sets the header CRC32, which covers {@code headerSize} bytes with the CRC32 field zeroed. */
    private static void updateHeaderCrc(ByteBuffer header, int headerSize) {
        header.putInt(GptReader.HEADER_CRC32_OFFSET, 0);
        header.putInt(GptReader.HEADER_CRC32_OFFSET, GptReader.crc32(header, headerSize));
    }

    /** Writes through a channel opened on the device; fdatasync is {@code force(false)}. */
    private static final class ChannelWriter implements SectorWriter {
        private final FileChannel channel;
        private final int sectorSize;

        ChannelWriter(FileChannel channel, int sectorSize) {
            this.channel = channel;
            this.sectorSize = sectorSize;
        }

        @Override
        public void write(long lba, ByteBuffer data) throws IOException {
            ByteBuffer remaining = data.duplicate().clear();
            long position = lba * sectorSize;
            while (remaining.hasRemaining()) {
                position += channel.write(remaining, position);
            }
        }

        @Override
        public void sync() throws IOException {
            // On Linux, FileChannel.force(false) is fdatasync(2). For a block device it writes the
            // device's page cache and sends the device a cache flush.
            channel.force(false);
        }
    }
}
