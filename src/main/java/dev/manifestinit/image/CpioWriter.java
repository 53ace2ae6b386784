package dev.manifestinit.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Writes a cpio archive in the "newc" format, the one the kernel unpacks as an initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst). Owners, modes and device numbers
 * are whatever the caller gives, so building an archive with root-owned files and device nodes
 * needs no root.
 *
 * <p>Each entry is a 110-byte ASCII header, the NUL-terminated name padded to a multiple of 4
 * bytes, and the data padded likewise. The header is the magic {@code 070701} and 13 fields of 8
 * hexadecimal digits: inode, mode, uid, gid, link count, mtime, file size, device major and minor,
 * rdev major and minor, name size with the NUL, and a checksum that newc leaves 0. The archive
 * ends with an entry named {@code TRAILER!!!}.
 *
 * <p>The kernel creates no missing parent directories, so every entry's parent must come earlier
 * in the archive; {@link #add} rejects an entry whose parent was not added.
 */
public final class CpioWriter implements AutoCloseable {
    /** File type bits of st_mode, from sys/stat.h. */
    public static final int S_IFREG = 0100000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFIFO = 0010000;

    private static final String MAGIC = "070701";
    private static final String TRAILER = "TRAILER!!!";
    /** newc stores the file size in 8 hexadecimal digits. */
    private static final long MAX_FILE_SIZE = 0xffffffffL;

    private final OutputStream out;
    private final Set<String> directories = new HashSet<>();
    private final Set<String> names = new HashSet<>();
    private long written;
    private long nextInode = 1;
    private boolean finished;

    /** @param out receives the archive; it is closed by {@link #close} */
    public CpioWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * An archive entry without its data.
     *
     * @param name the path inside the archive, such as {@code /dev/console} or {@code dev/console};
     *     a leading slash is dropped, as the kernel resolves names against the initramfs root
     * @param mode the file type bits ({@link #S_IFREG} and so on) and the permission bits
     * @param size the data's length in bytes: the file's size, or the link target's length
     * @param mtime the modification time in seconds since 1970
     * @param rdevMajor the device major number of a character or block device, else 0
     * @param rdevMinor the device minor number of a character or block device, else 0
     */
    public record Entry(String name, int mode, int uid, int gid, long size, long mtime, int rdevMajor,
            int rdevMinor) {
        int type() {
            return mode & 0170000;
        }
    }

    /** Returns the number of bytes written so far. */
    public long bytesWritten() {
        return written;
    }

    /**
     * Adds {@code entry}, whose data ({@code entry.size()} bytes: the file's content, or the target
     * of a symbolic link) comes from {@code data}; {@code data} may be null when the size is 0.
     *
     * @throws IllegalArgumentException when the name is empty, contains {@code .} or {@code ..}
     *     components or was added before, when its parent directory was not added, or when the size
     *     does not fit the format
     * @throws IOException when {@code data} ends before {@code entry.size()} bytes or writing fails
     */
    public void add(Entry entry, InputStream data) throws IOException {
        if (finished) {
            throw new IllegalStateException("the archive is already finished");
        }
        String name = archiveName(entry.name());
        int slash = name.lastIndexOf('/');
        if (slash > 0 && !directories.contains(name.substring(0, slash))) {
            throw new IllegalArgumentException("the parent directory of " + name + " must be added before it");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException(name + " is already in the archive");
        }
        if (entry.size() < 0 || entry.size() > MAX_FILE_SIZE) {
            throw new IllegalArgumentException("size " + entry.size() + " of " + name
                    + " does not fit the newc format's 32-bit size field");
        }
        if (entry.type() == S_IFDIR) {
            directories.add(name);
        }
        int links = entry.type() == S_IFDIR ? 2 : 1;
        writeHeader(nextInode++, entry.mode(), entry.uid(), entry.gid(), links, entry.mtime(), entry.size(),
                entry.rdevMajor(), entry.rdevMinor(), name);
        if (entry.size() > 0) {
            copy(data, entry.size(), name);
            pad();
        }
    }

    /** Writes the trailer entry, which ends the archive. */
    public void finish() throws IOException {
        if (!finished) {
            writeHeader(0, 0, 0, 0, 1, 0, 0, 0, 0, TRAILER);
            finished = true;
            out.flush();
        }
    }

    /** Finishes the archive if needed and closes the stream. */
    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            out.close();
        }
    }

    /** Drops a leading slash and rejects names the kernel would resolve elsewhere. */
    static String archiveName(String name) {
        String relative = name.startsWith("/") ? name.substring(1) : name;
        if (relative.isEmpty() || relative.endsWith("/")) {
            throw new IllegalArgumentException("invalid archive name '" + name + "': empty or ends with /");
        }
        for (String component : relative.split("/", -1)) {
            if (component.isEmpty() || component.equals(".") || component.equals("..")) {
                throw new IllegalArgumentException("invalid archive name '" + name
                        + "': contains an empty, . or .. component");
            }
        }
        return relative;
    }

    private void writeHeader(long inode, int mode, int uid, int gid, int links, long mtime, long size,
            int rdevMajor, int rdevMinor, String name) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder header = new StringBuilder(110).append(MAGIC);
        long[] fields = {inode, mode, uid, gid, links, mtime, size, 0, 0, rdevMajor, rdevMinor,
            nameBytes.length + 1, 0};
        for (long field : fields) {
            header.append(String.format(Locale.ROOT, "%08x", field & 0xffffffffL));
        }
        write(header.toString().getBytes(StandardCharsets.US_ASCII));
        write(nameBytes);
        write(new byte[] {0});
        pad();
    }

    private void copy(InputStream data, long size, String name) throws IOException {
        if (data == null) {
            throw new IllegalArgumentException("no data given for " + name + " of " + size + " bytes");
        }
        byte[] buffer = new byte[64 * 1024];
        long remaining = size;
        while (remaining > 0) {
            int read = data.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (read < 0) {
                throw new IOException("the data of " + name + " ended after " + (size - remaining) + " of "
                        + size + " bytes; did the file change while the archive was written?");
            }
            write(buffer, read);
            remaining -= read;
        }
    }

    private void pad() throws IOException {
        int padding = (int) ((4 - written % 4) % 4);
        if (padding > 0) {
            write(new byte[padding]);
        }
    }

    private void write(byte[] bytes) throws IOException {
        write(bytes, bytes.length);
    }

    private void write(byte[] bytes, int length) throws IOException {
        out.write(bytes, 0, length);
        written += length;
    }
}
