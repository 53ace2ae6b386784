package dev.manifestinit.manifest;

import java.util.Locale;

/** Filesystem types a manifest can mount, with the f_type magic statfs(2) reports for each. */
public enum FilesystemType {
    EXT2(0xEF53L, true),
    EXT3(0xEF53L, true),
    EXT4(0xEF53L, true),
    VFAT(0x4d44L, true),
    SQUASHFS(0x73717368L, true),
    BTRFS(0x9123683EL, true),
    /** devtmpfs is built on shmem, so statfs reports the tmpfs magic for it. */
    DEVTMPFS(0x01021994L, false),
    TMPFS(0x01021994L, false),
    PROC(0x9fa0L, false),
    SYSFS(0x62656572L, false),
    OVERLAY(0x794c7630L, false);

    private final long magic;
    private final boolean onBlockDevice;

    FilesystemType(long magic, boolean onBlockDevice) {
        this.magic = magic;
        this.onBlockDevice = onBlockDevice;
    }

    /** The name mount(2) and /proc/filesystems use, such as {@code ext4}. */
    public String kernelName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public long magic() {
        return magic;
    }

    /** Whether the filesystem lives on a block device, so that a partition is its source. */
    public boolean onBlockDevice() {
        return onBlockDevice;
    }

    @Override
    public String toString() {
        return kernelName();
    }
}
