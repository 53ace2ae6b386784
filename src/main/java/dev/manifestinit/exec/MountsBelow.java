package dev.manifestinit.exec;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.os.Kernel;
import dev.manifestinit.os.NativeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Unmounts the new root and everything mounted inside it, so that the boot can mount another root
 * side at the same place. The API mounts are not inside the new root until switch_root moves them,
 * so they stay.
 */
final class MountsBelow {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    /** umount2 flag MNT_DETACH, from linux/fs.h. */
    private static final int DETACH = 2;

    private MountsBelow() {
    }

    /**
     * Unmounts every mount at or below {@code root}, the last mounted first, and returns their
     * mount points. A mount that is busy is detached (MNT_DETACH), which hides it at once and frees
     * it when its last user is gone.
     */
    static List<String> unmount(Kernel kernel, AbsolutePath root) throws IOException {
        List<String> mountPoints = mountPointsBelow(Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8), root);
        List<String> unmounted = new ArrayList<>();
        for (int i = mountPoints.size() - 1; i >= 0; i--) {
            String mountPoint = mountPoints.get(i);
            try {
                kernel.unmount(mountPoint, 0);
            } catch (NativeException e) {
                if (!e.errnoName().equals("EBUSY")) {
                    throw e;
                }
                kernel.unmount(mountPoint, DETACH);
            }
            unmounted.add(mountPoint);
        }
        return unmounted;
    }

    /** Returns the mount points at or below {@code root} in /proc/self/mountinfo lines, in mount order. */
    static List<String> mountPointsBelow(List<String> mountinfo, AbsolutePath root) {
        List<String> found = new ArrayList<>();
        for (String line : mountinfo) {
            String[] fields = line.split(" ");
            if (fields.length < 5) {
                continue;
            }
            String mountPoint = decode(fields[4]);
            if (mountPoint.equals(root.value()) || mountPoint.startsWith(root.value() + "/")) {
                found.add(mountPoint);
            }
        }
        return found;
    }

    /** Undoes mountinfo's octal escapes, such as \040 for a space (proc(5)). */
    static String decode(String field) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                text.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }
}
