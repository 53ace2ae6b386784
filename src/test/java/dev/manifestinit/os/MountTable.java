package dev.manifestinit.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The mounts of the test JVM's namespace, read from /proc/self/mountinfo. */
final class MountTable {
    private MountTable() {
    }

    /**
     * One line of mountinfo.
     *
     * @param mountPoint the mount point, with mountinfo's octal escapes undone
     * @param mountOptions per-mount options, such as {@code rw,nosuid,nodev,relatime}
     * @param fsType the filesystem type
     * @param superOptions per-superblock options, such as {@code rw,size=1024k,mode=750}
     */
    record Entry(String mountPoint, String mountOptions, String fsType, String superOptions) {
        List<String> mountOptionList() {
            return Arrays.asList(mountOptions.split(","));
        }

        List<String> superOptionList() {
            return Arrays.asList(superOptions.split(","));
        }
    }

    /** Returns the topmost mount at {@code mountPoint}, if any. */
    static Optional<Entry> find(Path mountPoint) throws IOException {
        Entry found = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            Entry entry = parse(line);
            if (entry.mountPoint().equals(mountPoint.toString())) {
                found = entry;
            }
        }
        return Optional.ofNullable(found);
    }

    // Fields: id, parent id, major:minor, root, mount point, mount options, optional fields,
    // a lone "-", then fs type, source and super options.
    private static Entry parse(String line) {
        String[] fields = line.split(" ");
        int separator = Arrays.asList(fields).indexOf("-");
        return new Entry(unescape(fields[4]), fields[5], fields[separator + 1], fields[separator + 3]);
    }

    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
