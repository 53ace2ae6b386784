package dev.manifestinit.disk;

import java.nio.file.Path;

/** The disk device does not exist (yet): sysfs has no directory for it. */
public final class DiskNotFoundException extends DiskException {
    private final Path disk;
    private final String reason;

    /**
     * @param reason what shows that the disk is missing, such as
     *     {@code /sys/class/block/mmcblk0 does not exist}
     */
    public DiskNotFoundException(Path disk, String reason) {
        super("disk " + disk + " not found: " + reason);
        this.disk = disk;
        this.reason = reason;
    }

    /** Returns the disk device path as the caller gave it. */
    public Path disk() {
        return disk;
    }

    public String reason() {
        return reason;
    }
}
