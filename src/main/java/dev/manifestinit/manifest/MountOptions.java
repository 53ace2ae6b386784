package dev.manifestinit.manifest;

import dev.manifestinit.os.MountFlag;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mount options as mount(8) takes them, split at the boundary into the flags of mount(2) and the
 * filesystem-specific data string, so the executor never parses option text.
 *
 * @param written the options as the manifest wrote them, for messages and plans
 * @param flags the generic flags, such as MS_RDONLY for {@code ro}
 * @param data the remaining options joined with commas, passed to the filesystem; empty when none
 */
public record MountOptions(List<String> written, Set<MountFlag> flags, String data) {
    public static final MountOptions NONE = new MountOptions(List.of(), EnumSet.noneOf(MountFlag.class), "");

    /** Options that set a flag of mount(2); a null flag means the option clears its opposite. */
    private static final Map<String, MountFlag> SETS = Map.ofEntries(
            Map.entry("ro", MountFlag.RDONLY),
            Map.entry("nosuid", MountFlag.NOSUID),
            Map.entry("nodev", MountFlag.NODEV),
            Map.entry("noexec", MountFlag.NOEXEC),
            Map.entry("sync", MountFlag.SYNCHRONOUS),
            Map.entry("noatime", MountFlag.NOATIME),
            Map.entry("nodiratime", MountFlag.NODIRATIME),
            Map.entry("relatime", MountFlag.RELATIME),
            Map.entry("strictatime", MountFlag.STRICTATIME),
            Map.entry("lazytime", MountFlag.LAZYTIME));

    /** Options that clear a flag: mount(8)'s defaults, accepted so manifests can say them. */
    private static final Map<String, MountFlag> CLEARS = Map.of(
            "rw", MountFlag.RDONLY,
            "suid", MountFlag.NOSUID,
            "dev", MountFlag.NODEV,
            "exec", MountFlag.NOEXEC,
            "async", MountFlag.SYNCHRONOUS);

    public MountOptions {
        written = List.copyOf(written);
        flags = Collections.unmodifiableSet(flags.isEmpty() ? EnumSet.noneOf(MountFlag.class) : EnumSet.copyOf(flags));
    }

    /**
     * Splits written options into flags and data. Throws IllegalArgumentException for an empty
     * option, one with a comma, or a flag and its opposite together (ro and rw).
     */
    public static MountOptions parse(List<String> options) {
        EnumSet<MountFlag> flags = EnumSet.noneOf(MountFlag.class);
        EnumSet<MountFlag> cleared = EnumSet.noneOf(MountFlag.class);
        List<String> data = new ArrayList<>();
        for (String option : options) {
            if (option == null || option.isBlank()) {
                throw new IllegalArgumentException("a mount option must not be empty");
            }
            if (option.contains(",")) {
                throw new IllegalArgumentException("mount option '" + option
                        + "' contains a comma; write each option as its own list item");
            }
            MountFlag set = SETS.get(option);
            MountFlag clear = CLEARS.get(option);
            if (set != null) {
                flags.add(set);
            } else if (clear != null) {
                cleared.add(clear);
            } else {
                data.add(option);
            }
        }
        for (MountFlag flag : flags) {
            if (cleared.contains(flag)) {
                throw new IllegalArgumentException("mount options " + options
                        + " both set and clear " + MountFlag.describe(EnumSet.of(flag)));
            }
        }
        return new MountOptions(options, flags, String.join(",", data));
    }

    public boolean readOnly() {
        return flags.contains(MountFlag.RDONLY);
    }

    /** Returns these options with {@code extra} flags added, keeping the written form for messages. */
    public MountOptions withFlags(Set<MountFlag> extra) {
        EnumSet<MountFlag> all = flags.isEmpty() ? EnumSet.noneOf(MountFlag.class) : EnumSet.copyOf(flags);
        all.addAll(extra);
        return new MountOptions(written, all, data);
    }

    @Override
    public String toString() {
        return written.isEmpty() ? "defaults" : String.join(",", written);
    }
}
