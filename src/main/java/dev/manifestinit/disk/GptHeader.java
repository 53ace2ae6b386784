package dev.manifestinit.disk;

import java.util.UUID;

/**
 * The fields of a GPT header that passed every check of {@link GptReader}. LBAs count logical
 * sectors of the size the table was read with. CRC32 values are as stored, printed unsigned.
 *
 * @param signature always {@code "EFI PART"}
 * @param revision such as 0x00010000 for revision 1.0
 * @param headerSize bytes that the header CRC32 covers, 92 or more
 * @param headerCrc32 CRC32 of the first {@code headerSize} bytes, computed with this field zeroed
 * @param currentLba the LBA of this header
 * @param alternateLba the LBA of the other copy of the header
 * @param entryArrayLba first LBA of the partition entry array that belongs to this header
 * @param entryCount number of entries in the array, used or not
 * @param entrySize bytes per entry, 128 times a power of two
 * @param entryArrayCrc32 CRC32 of {@code entryCount * entrySize} bytes of the entry array
 */
public record GptHeader(
        String signature,
        int revision,
        int headerSize,
        int headerCrc32,
        long currentLba,
        long alternateLba,
        long firstUsableLba,
        long lastUsableLba,
        UUID diskGuid,
        long entryArrayLba,
        int entryCount,
        int entrySize,
        int entryArrayCrc32) {
}
