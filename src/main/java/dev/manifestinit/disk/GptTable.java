package dev.manifestinit.disk;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A GUID Partition Table as read from a device: the header used and the used partition entries. */
public final class GptTable {
    private final Path device;
    private final int sectorSize;
    private final GptHeaderCopy headerUsed;
    private final GptHeader header;
    private final List<GptEntry> entries;
    private final InvalidGptException primaryFailure;

    GptTable(Path device, int sectorSize, GptHeaderCopy headerUsed, GptHeader header, List<GptEntry> entries,
            InvalidGptException primaryFailure) {
        this.device = device;
        this.sectorSize = sectorSize;
        this.headerUsed = headerUsed;
        this.header = header;
        this.entries = List.copyOf(entries);
        this.primaryFailure = primaryFailure;
    }

    public Path device() {
        return device;
    }

    /** Returns the logical sector size in bytes that the LBAs count. */
    public int sectorSize() {
        return sectorSize;
    }

    /** Returns the header copy the table comes from. A caller should warn when it is {@link GptHeaderCopy#BACKUP}. */
    public GptHeaderCopy headerUsed() {
        return headerUsed;
    }

    public GptHeader header() {
        return header;
    }

    /** Returns the used entries in the order of the entry array. */
    public List<GptEntry> entries() {
        return entries;
    }

    /** Returns why the primary header or its entry array was rejected, when the backup was used. */
    public Optional<InvalidGptException> primaryFailure() {
        return Optional.ofNullable(primaryFailure);
    }
}
