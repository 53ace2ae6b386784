package dev.manifestinit.os;

import static dev.manifestinit.os.NativeLibrary.arguments;
import static dev.manifestinit.os.NativeLibrary.failure;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Reads the entry names of an open directory through getdents64(2). The caller owns the descriptor
 * and closes it.
 */
final class DirectoryReader {
    private static final int BUFFER_SIZE = 32 * 1024;

    // struct linux_dirent64 is the same on every architecture: u64 d_ino, s64 d_off, u16 d_reclen,
    // u8 d_type, then d_name, NUL-terminated and padded so that the next record is 8-byte aligned.
    private static final int OFFSET_RECORD_LENGTH = 16;
    private static final int OFFSET_TYPE = 18;
    private static final int OFFSET_NAME = 19;
    /** d_type when the filesystem does not fill it in; the caller must then ask statx. */
    static final int TYPE_UNKNOWN = 0;
    static final int TYPE_DIRECTORY = 4;

    private final int fd;
    private final String fdDescription;
    private final Pointer buffer = Memory.allocateDirect(NativeLibrary.runtime(), BUFFER_SIZE);
    private int filled;
    private int position;
    private int type;

    /**
     * @param fd a descriptor opened with O_DIRECTORY
     * @param path the path {@code fd} was opened as, for messages only
     */
    DirectoryReader(int fd, String path) {
        this.fd = fd;
        this.fdDescription = describeDirectory(fd, path);
    }

    /**
     * Returns the next entry name as NUL-terminated bytes, exactly as the filesystem stores it,
     * skipping {@code .} and {@code ..}. Returns null after the last entry.
     */
    byte[] next() throws NativeException {
        while (true) {
            if (position >= filled) {
                long read = NativeLibrary.libc().getdents64(fd, buffer, BUFFER_SIZE);
                if (read < 0) {
                    throw failure("getdents64", arguments(fdDescription, "buffer", Integer.toString(BUFFER_SIZE)));
                }
                if (read == 0) {
                    return null;
                }
                filled = (int) read;
                position = 0;
            }
            int recordLength = buffer.getShort(position + OFFSET_RECORD_LENGTH) & 0xffff;
            int nameLength = buffer.indexOf(position + OFFSET_NAME, (byte) 0, recordLength - OFFSET_NAME);
            byte[] name = new byte[nameLength + 1];
            buffer.get(position + OFFSET_NAME, name, 0, nameLength);
            type = buffer.getByte(position + OFFSET_TYPE) & 0xff;
            position += recordLength;
            if (!isDotOrDotDot(name)) {
                return name;
            }
        }
    }

    /**
     * Returns the d_type of the entry that {@link #next} returned last, such as
     * {@link #TYPE_DIRECTORY}, or {@link #TYPE_UNKNOWN} where the filesystem does not report types.
     */
    int type() {
        return type;
    }

    private static boolean isDotOrDotDot(byte[] name) {
        return (name.length == 2 && name[0] == '.') || (name.length == 3 && name[0] == '.' && name[1] == '.');
    }

    /** Formats a directory descriptor as strace -y does, such as {@code 5</newroot/etc>}. */
    static String describeDirectory(int fd, String path) {
        return fd + "<" + path + ">";
    }
}
