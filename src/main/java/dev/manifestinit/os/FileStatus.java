package dev.manifestinit.os;

/**
 * What statx(2) reports of one path.
 *
 * @param mode the st_mode bits: file type and permissions
 * @param size the size in bytes
 * @param deviceMajor major number of the device holding the file
 * @param deviceMinor minor number of the device holding the file
 * @param mountRoot whether the path is the root of a mount (STATX_ATTR_MOUNT_ROOT)
 */
public record FileStatus(int mode, long size, int deviceMajor, int deviceMinor, boolean mountRoot) {
    private static final int TYPE_MASK = 0170000;

    public boolean isDirectory() {
        return (mode & TYPE_MASK) == 0040000;
    }

    public boolean isRegularFile() {
        return (mode & TYPE_MASK) == 0100000;
    }

    public boolean isBlockDevice() {
        return (mode & TYPE_MASK) == 0060000;
    }

    public boolean isSymbolicLink() {
        return (mode & TYPE_MASK) == 0120000;
    }

    /** Whether any of the execute bits is set. */
    public boolean isExecutable() {
        return (mode & 0111) != 0;
    }

    public boolean sameDevice(FileStatus other) {
        return deviceMajor == other.deviceMajor && deviceMinor == other.deviceMinor;
    }
}
