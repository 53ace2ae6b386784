package dev.manifestinit.disk;

import java.io.EOFException;
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
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Reads the GUID Partition Table of a block device or image file with plain file IO.
 *
 * <p>The header and entry layouts are those of the UEFI specification, with the checks that Linux
 * applies in block/partitions/efi.c. Every integer is little-endian. The primary header is at LBA 1.
 * When it or its partition entry array fails a check, the backup header at the last LBA and its own
 * entry array are used, as Linux does. The protective MBR at LBA 0 is not read.
 */
public final class GptReader {
    /** The header signature, the ASCII bytes {@code "EFI PART"}. */
    public static final String SIGNATURE = "EFI PART";

    // Header field offsets, in bytes from the start of the header.
    private static final int SIGNATURE_OFFSET = 0;
    private static final int REVISION_OFFSET = 8;
    private static final int HEADER_SIZE_OFFSET = 12;
    static final int HEADER_CRC32_OFFSET = 16;
    static final int CURRENT_LBA_OFFSET = 24;
    static final int ALTERNATE_LBA_OFFSET = 32;
    private static final int FIRST_USABLE_LBA_OFFSET = 40;
    static final int LAST_USABLE_LBA_OFFSET = 48;
    private static final int DISK_GUID_OFFSET = 56;
    static final int ENTRY_ARRAY_LBA_OFFSET = 72;
    private static final int ENTRY_COUNT_OFFSET = 80;
    private static final int ENTRY_SIZE_OFFSET = 84;
    private static final int ENTRY_ARRAY_CRC32_OFFSET = 88;
    /** Bytes up to the end of the entry array CRC32, the smallest header size the specification allows. */
    private static final int MIN_HEADER_SIZE = 92;

    // Partition entry field offsets, in bytes from the start of the entry.
    private static final int TYPE_GUID_OFFSET = 0;
    private static final int UNIQUE_GUID_OFFSET = 16;
    private static final int FIRST_LBA_OFFSET = 32;
    private static final int LAST_LBA_OFFSET = 40;
    private static final int ATTRIBUTES_OFFSET = 48;
    private static final int NAME_OFFSET = 56;
    /** The name field is 72 bytes: 36 UTF-16LE code units. */
    private static final int NAME_CODE_UNITS = 36;
    /** The specification allows entry sizes of 128 times a power of two. */
    private static final int MIN_ENTRY_SIZE = 128;

    /**
     * Upper bound on the entry array that is read into memory. Partitioning tools write 128 entries of
     * 128 bytes (16 KiB). The bound keeps a header whose CRC32 matches but whose entry count is absurd
     * from making the init allocate gigabytes.
     */
    static final int MAX_ENTRY_ARRAY_BYTES = 1 << 20;

    private static final UUID ZERO_GUID = new UUID(0, 0);

    private GptReader() {
    }

    /**
     * Reads the GPT of {@code device}, a block device or image file, whose logical sectors are
     * {@code sectorSize} bytes (512 or 4096; any power of two from 512 up is accepted).
     *
     * @throws InvalidGptException when neither header copy with its entry array passes the checks,
     *     or the device is too small for a GPT
     * @throws IOException when the device cannot be opened or read
     */
    public static GptTable read(Path device, int sectorSize) throws IOException {
        if (sectorSize < 512 || Integer.bitCount(sectorSize) != 1) {
            throw new IllegalArgumentException("invalid logical sector size " + sectorSize
                    + " for " + device + ": expected a power of two of at least 512 bytes");
        }
        try (FileChannel channel = open(device)) {
            return new TableReader(device, channel, sectorSize).read();
        }
    }

    static FileChannel open(Path device) throws IOException {
        try {
            return FileChannel.open(device, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new IOException("failed to open " + device + " to read its GPT: " + e, e);
        }
    }

    /**
     * Reads of one device, so that the device, channel and sector size need not be passed around.
     * {@link BackupGpt} reads single header copies with it.
     */
    static final class TableReader {
        private final Path device;
        private final FileChannel channel;
        private final int sectorSize;

        TableReader(Path device, FileChannel channel, int sectorSize) {
            this.device = device;
            this.channel = channel;
            this.sectorSize = sectorSize;
        }

        GptTable read() throws IOException {
            long size = channel.size();
            long sectorCount = size / sectorSize;
            // LBA 0 for the protective MBR, LBA 1 for the primary header and one more for the backup.
            if (sectorCount < 3) {
                throw new InvalidGptException(device, String.format(Locale.ROOT,
                        "no GPT on %s: the device has %d bytes, fewer than 3 sectors of %d bytes",
                        device, size, sectorSize), "device too small");
            }
            long lastLba = sectorCount - 1;

            InvalidGptException primaryFailure;
            try {
                return readCopy(GptHeaderCopy.PRIMARY, 1, lastLba, null);
            } catch (InvalidGptException e) {
                primaryFailure = e;
            }
            try {
                return readCopy(GptHeaderCopy.BACKUP, lastLba, lastLba, primaryFailure);
            } catch (InvalidGptException backupFailure) {
                String message = String.format(Locale.ROOT,
                        "no valid GPT on %s: primary header at LBA 1: %s; backup header at LBA %d: %s",
                        device, primaryFailure.problem(), lastLba, backupFailure.problem());
                throw new InvalidGptException(device, message, primaryFailure, backupFailure);
            }
        }

        private GptTable readCopy(GptHeaderCopy copy, long headerLba, long lastLba,
                InvalidGptException primaryFailure) throws IOException {
            GptHeader header = readHeader(copy, headerLba, lastLba);
            List<GptEntry> entries = parseEntries(readEntryArray(copy, header), header);
            return new GptTable(device, sectorSize, copy, header, entries, primaryFailure);
        }

        /** Returns the sector at {@code lba} as it is on the device. */
        ByteBuffer readSector(long lba) throws IOException {
            return readBytes(lba * sectorSize, sectorSize);
        }

        /**
         * Reads the header at {@code headerLba} and checks it. {@code lastLba} bounds the LBAs that
         * the header's usable range and entry array may name: the device's last LBA for a table to
         * use, or a larger value for a caller that checks the usable range itself.
         *
         * @throws InvalidGptException naming the failed check and the header's location
         */
        GptHeader readHeader(GptHeaderCopy copy, long headerLba, long lastLba) throws IOException {
            ByteBuffer sector = readSector(headerLba);

            byte[] signature = new byte[8];
            sector.get(SIGNATURE_OFFSET, signature);
            String signatureText = new String(signature, StandardCharsets.ISO_8859_1);
            if (!signatureText.equals(SIGNATURE)) {
                throw invalid(copy, headerLba, "header signature invalid",
                        "found 0x" + hex(signature) + ", expected 0x"
                                + hex(SIGNATURE.getBytes(StandardCharsets.ISO_8859_1)) + " (\"" + SIGNATURE + "\")");
            }

            int headerSize = sector.getInt(HEADER_SIZE_OFFSET);
            if (headerSize < MIN_HEADER_SIZE || headerSize > sectorSize) {
                throw invalid(copy, headerLba, "header size invalid", Integer.toUnsignedString(headerSize)
                        + " bytes, expected " + MIN_HEADER_SIZE + " to " + sectorSize + " (the logical sector size)");
            }

            int storedHeaderCrc = sector.getInt(HEADER_CRC32_OFFSET);
            ByteBuffer covered = sector.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            covered.putInt(HEADER_CRC32_OFFSET, 0);
            int computedHeaderCrc = crc32(covered, headerSize);
            if (storedHeaderCrc != computedHeaderCrc) {
                throw invalid(copy, headerLba, "header CRC32 mismatch",
                        String.format(Locale.ROOT, "stored 0x%08X, computed 0x%08X", storedHeaderCrc,
                                computedHeaderCrc));
            }

            long currentLba = sector.getLong(CURRENT_LBA_OFFSET);
            if (currentLba != headerLba) {
                throw invalid(copy, headerLba, "header current LBA invalid",
                        "stored " + Long.toUnsignedString(currentLba) + ", expected " + headerLba);
            }

            long firstUsableLba = sector.getLong(FIRST_USABLE_LBA_OFFSET);
            long lastUsableLba = sector.getLong(LAST_USABLE_LBA_OFFSET);
            if (!isWithin(firstUsableLba, 0, lastLba) || !isWithin(lastUsableLba, firstUsableLba, lastLba)) {
                throw invalid(copy, headerLba, "header usable LBA range invalid",
                        "first usable " + Long.toUnsignedString(firstUsableLba)
                                + ", last usable " + Long.toUnsignedString(lastUsableLba)
                                + ", last LBA of the device " + lastLba);
            }

            int entrySize = sector.getInt(ENTRY_SIZE_OFFSET);
            if (entrySize < MIN_ENTRY_SIZE || entrySize % MIN_ENTRY_SIZE != 0
                    || Integer.bitCount(entrySize / MIN_ENTRY_SIZE) != 1) {
                throw invalid(copy, headerLba, "partition entry size invalid", Integer.toUnsignedString(entrySize)
                        + " bytes, expected 128 times a power of two");
            }

            long entryCount = Integer.toUnsignedLong(sector.getInt(ENTRY_COUNT_OFFSET));
            long entryArrayBytes = entryCount * entrySize;
            if (entryArrayBytes > MAX_ENTRY_ARRAY_BYTES) {
                throw invalid(copy, headerLba, "partition entry array too large", entryCount + " entries of "
                        + entrySize + " bytes exceed the maximum of " + MAX_ENTRY_ARRAY_BYTES + " bytes");
            }

            long entryArrayLba = sector.getLong(ENTRY_ARRAY_LBA_OFFSET);
            long entryArraySectors = (entryArrayBytes + sectorSize - 1) / sectorSize;
            if (!isWithin(entryArrayLba, 2, lastLba) || entryArrayLba + entryArraySectors - 1 > lastLba) {
                throw invalid(copy, headerLba, "partition entry array LBA invalid",
                        "the array of " + entryArraySectors + " sectors starts at LBA "
                                + Long.toUnsignedString(entryArrayLba) + ", last LBA of the device " + lastLba);
            }

            return new GptHeader(
                    signatureText,
                    sector.getInt(REVISION_OFFSET),
                    headerSize,
                    storedHeaderCrc,
                    currentLba,
                    sector.getLong(ALTERNATE_LBA_OFFSET),
                    firstUsableLba,
                    lastUsableLba,
                    readGuid(sector, DISK_GUID_OFFSET),
                    entryArrayLba,
                    (int) entryCount,
                    entrySize,
                    sector.getInt(ENTRY_ARRAY_CRC32_OFFSET));
        }

        /**
         * Reads the {@code entryCount * entrySize} bytes of the header's entry array and checks
         * their CRC32 against the header's.
         */
        ByteBuffer readEntryArray(GptHeaderCopy copy, GptHeader header) throws IOException {
            int arrayBytes = header.entryCount() * header.entrySize();
            ByteBuffer array = readBytes(header.entryArrayLba() * sectorSize, arrayBytes);

            int computedCrc = crc32(array, arrayBytes);
            if (computedCrc != header.entryArrayCrc32()) {
                throw invalid(copy, header.currentLba(), "partition entry array CRC32 mismatch",
                        String.format(Locale.ROOT, "stored 0x%08X, computed 0x%08X over %d entries at LBA %d",
                                header.entryArrayCrc32(), computedCrc, header.entryCount(),
                                header.entryArrayLba()));
            }
            return array;
        }

        private ByteBuffer readBytes(long position, int length) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            try {
                while (buffer.hasRemaining()) {
                    int count = channel.read(buffer, position + buffer.position());
                    if (count < 0) {
                        throw new EOFException("end of device after " + (position + buffer.position()) + " bytes");
                    }
                }
            } catch (IOException e) {
                throw new IOException(String.format(Locale.ROOT, "failed to read %d bytes at LBA %d of %s: %s",
                        length, position / sectorSize, device, e), e);
            }
            return buffer.clear();
        }

        private InvalidGptException invalid(GptHeaderCopy copy, long headerLba, String failedCheck, String detail) {
            String message = String.format(Locale.ROOT, "GPT %s on %s: %s (%s header at LBA %d)",
                    failedCheck, device, detail, copy, headerLba);
            return new InvalidGptException(device, message, failedCheck + ": " + detail);
        }
    }

    /** Returns the used entries of an entry array that {@link TableReader#readEntryArray} read. */
    static List<GptEntry> parseEntries(ByteBuffer array, GptHeader header) {
        List<GptEntry> entries = new ArrayList<>();
        for (int i = 0; i < header.entryCount(); i++) {
            int offset = i * header.entrySize();
            UUID type = readGuid(array, offset + TYPE_GUID_OFFSET);
            if (type.equals(ZERO_GUID)) {
                continue;
            }
            entries.add(new GptEntry(
                    i + 1,
                    type,
                    readGuid(array, offset + UNIQUE_GUID_OFFSET),
                    array.getLong(offset + FIRST_LBA_OFFSET),
                    array.getLong(offset + LAST_LBA_OFFSET),
                    array.getLong(offset + ATTRIBUTES_OFFSET),
                    readName(array, offset + NAME_OFFSET)));
        }
        return entries;
    }

    /** Tests whether the unsigned 64-bit {@code value} lies in {@code [low, high]}, both non-negative. */
    private static boolean isWithin(long value, long low, long high) {
        return value >= 0 && value >= low && value <= high;
    }

    /** Computes the CRC32 that GPT uses, which is the CRC32 of zlib and Ethernet. */
    static int crc32(ByteBuffer buffer, int length) {
        CRC32 crc = new CRC32();
        crc.update(buffer.duplicate().position(0).limit(length));
        return (int) crc.getValue();
    }

    /**
     * Reads a GUID stored as the specification lays it out: the first three fields (32, 16 and 16
     * bits) little-endian, the last 8 bytes in the order they are printed.
     */
    private static UUID readGuid(ByteBuffer buffer, int offset) {
        long timeLow = Integer.toUnsignedLong(buffer.getInt(offset));
        long timeMid = Short.toUnsignedLong(buffer.getShort(offset + 4));
        long timeHigh = Short.toUnsignedLong(buffer.getShort(offset + 6));
        long mostSignificant = timeLow << 32 | timeMid << 16 | timeHigh;
        long leastSignificant = buffer.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(offset + 8);
        return new UUID(mostSignificant, leastSignificant);
    }

    private static String readName(ByteBuffer buffer, int offset) {
        int length = 0;
        while (length < NAME_CODE_UNITS && buffer.getChar(offset + 2 * length) != 0) {
            length++;
        }
        byte[] bytes = new byte[2 * length];
        buffer.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_16LE);
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(String.format(Locale.ROOT, "%02X", b));
        }
        return text.toString();
    }
}
