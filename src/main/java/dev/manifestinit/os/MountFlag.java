package dev.manifestinit.os;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Flags of mount(2), with their values from linux/mount.h. */
public enum MountFlag {
    RDONLY(1L),
    NOSUID(2L),
    NODEV(4L),
    NOEXEC(8L),
    SYNCHRONOUS(16L),
    REMOUNT(32L),
    NOATIME(1024L),
    NODIRATIME(2048L),
    BIND(4096L),
    MOVE(8192L),
    REC(16384L),
    PRIVATE(1L << 18),
    SLAVE(1L << 19),
    SHARED(1L << 20),
    RELATIME(1L << 21),
    STRICTATIME(1L << 24),
    LAZYTIME(1L << 25);

    private final long bit;

    MountFlag(long bit) {
        this.bit = bit;
    }

    public long bit() {
        return bit;
    }

    public static long bits(Set<MountFlag> flags) {
        long value = 0;
        for (MountFlag flag : flags) {
            value |= flag.bit;
        }
        return value;
    }

    /** Formats flags the way mount(8) writes them, such as {@code MS_RDONLY|MS_NODEV}, or {@code 0}. */
    public static String describe(Set<MountFlag> flags) {
        if (flags.isEmpty()) {
            return "0";
        }
        return flags.stream()
                .map(flag -> "MS_" + flag.name().toUpperCase(Locale.ROOT))
                .collect(Collectors.joining("|"));
    }
}
