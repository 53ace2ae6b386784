package dev.manifestinit.os;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A struct statx buffer and the fields read from it. The kernel defines the struct with fixed-size
 * fields and explicit padding (include/uapi/linux/stat.h), so the offsets below are valid on every
 * architecture, 32-bit ARM included.
 */
final class Statx {
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_EMPTY_PATH = 0x1000;

    /** STATX_BASIC_STATS: type, mode, link count, owner, times, inode, size and blocks. */
    static final int BASIC_STATS = 0x7ff;
    static final long ATTR_MOUNT_ROOT = 0x2000;

    private static final int SIZE = 256;
    private static final int OFFSET_ATTRIBUTES = 0x08;
    private static final int OFFSET_MODE = 0x1c;
    private static final int OFFSET_SIZE = 0x28;
    private static final int OFFSET_ATTRIBUTES_MASK = 0x38;
    private static final int OFFSET_DEV_MAJOR = 0x88;
    private static final int OFFSET_DEV_MINOR = 0x8c;

    private final Pointer buffer = Memory.allocateDirect(NativeLibrary.runtime(), SIZE, true);

    /**
     * Fills this buffer through statx(2) and returns 0, or returns -1 with errno saved, as statx does.
     * The caller builds the exception through {@link NativeLibrary#failure}.
     */
    int fill(int directoryFd, byte[] path, int flags) {
        return NativeLibrary.libc().statx(directoryFd, path, flags, BASIC_STATS, buffer);
    }

    int mode() {
        return buffer.getShort(OFFSET_MODE) & 0xffff;
    }

    int deviceMajor() {
        return buffer.getInt(OFFSET_DEV_MAJOR);
    }

    int deviceMinor() {
        return buffer.getInt(OFFSET_DEV_MINOR);
    }

    boolean isDirectory() {
        return toFileStatus().isDirectory();
    }

    boolean sameDevice(int major, int minor) {
        return deviceMajor() == major && deviceMinor() == minor;
    }

    /**
     * Returns whether the kernel reports STATX_ATTR_MOUNT_ROOT at all: Linux 5.8 and later set its bit in
     * stx_attributes_mask, and before that the attribute is always clear.
     */
    boolean knowsMountRoot() {
        return (buffer.getLongLong(OFFSET_ATTRIBUTES_MASK) & ATTR_MOUNT_ROOT) != 0;
    }

    /** Returns whether the file is the root of a mount, or false when the kernel does not report it. */
    boolean isMountRoot() {
        return knowsMountRoot() && (buffer.getLongLong(OFFSET_ATTRIBUTES) & ATTR_MOUNT_ROOT) != 0;
    }

    FileStatus toFileStatus() {
        return new FileStatus(mode(), buffer.getLongLong(OFFSET_SIZE), deviceMajor(), deviceMinor(), isMountRoot());
    }
}
