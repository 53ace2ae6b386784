package dev.manifestinit.os;

import static dev.manifestinit.os.DirectoryReader.describeDirectory;
import static dev.manifestinit.os.NativeLibrary.arguments;
import static dev.manifestinit.os.NativeLibrary.cString;
import static dev.manifestinit.os.NativeLibrary.failure;
import static dev.manifestinit.os.NativeLibrary.quote;

import dev.manifestinit.os.NativeLibrary.LibC;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes everything below one directory without crossing into other mounts and without following
 * a symbolic link, for {@link LinuxKernel#removeContents}. One instance serves one call.
 *
 * <p>Each directory is read through its own descriptor, and each entry is examined, opened and
 * unlinked relative to that descriptor, so a path is never resolved again from the top while the
 * walk runs. A directory is a mount point, and is kept with all below it, when its device differs
 * from the top directory's or when statx reports STATX_ATTR_MOUNT_ROOT (which also catches a bind
 * mount of the same filesystem). Every directory above a kept one is kept as well.
 *
 * <p>A failure on one entry does not stop the walk: it is recorded, the walk goes on with the next
 * entry, and at the end the first failure is thrown with the later ones attached as suppressed
 * exceptions. Only a failure to open or examine the top directory is thrown at once.
 */
final class ContentsRemover {
    private static final int AT_REMOVEDIR = 0x200;

    private final LibC libc;
    private final OpenFlags openFlags;
    private final Statx statx = new Statx();
    private final List<NativeException> failures = new ArrayList<>();
    private long removed;
    private int topMajor;
    private int topMinor;

    ContentsRemover(LibC libc, OpenFlags openFlags) {
        this.libc = libc;
        this.openFlags = openFlags;
    }

    /** Returns the number of entries removed: files, symbolic links, directories and others. */
    long removeContents(String path) throws NativeException {
        int fd = openTopDirectory(path);
        try {
            if (statx.fill(fd, cString(""), Statx.AT_EMPTY_PATH) != 0) {
                throw failure("statx", arguments(describeDirectory(fd, path), "\"\"", "AT_EMPTY_PATH", "STATX_BASIC_STATS"));
            }
            topMajor = statx.deviceMajor();
            topMinor = statx.deviceMinor();
            emptyDirectory(fd, path);
        } finally {
            closeDirectory(fd, path);
        }
        if (!failures.isEmpty()) {
            NativeException first = failures.get(0);
            for (NativeException later : failures.subList(1, failures.size())) {
                first.addSuppressed(later);
            }
            throw first;
        }
        return removed;
    }

    /** Removes the entries of one open directory. Returns true when it is empty afterwards. */
    private boolean emptyDirectory(int fd, String path) {
        DirectoryReader reader = new DirectoryReader(fd, path);
        boolean empty = true;
        while (true) {
            byte[] name;
            try {
                name = reader.next();
            } catch (NativeException e) {
                failures.add(e);
                return false;
            }
            if (name == null) {
                return empty;
            }
            if (!removeEntry(fd, path, name, reader.type())) {
                empty = false;
            }
        }
    }

    /**
     * Removes one entry of the directory open as {@code parentFd}. Returns true when it is gone.
     *
     * @param type the entry's d_type from getdents64. Where it names a type other than a directory,
     *     the entry is unlinked without statx: unlinkat never enters a mount, and it fails with EBUSY
     *     on a file that is a mount point, as it would after statx.
     */
    private boolean removeEntry(int parentFd, String parentPath, byte[] name, int type) {
        if (type != DirectoryReader.TYPE_UNKNOWN && type != DirectoryReader.TYPE_DIRECTORY) {
            return unlink(parentFd, parentPath, name, 0);
        }
        if (statx.fill(parentFd, name, Statx.AT_SYMLINK_NOFOLLOW) != 0) {
            failures.add(failure("statx", arguments(describeDirectory(parentFd, parentPath), quote(decode(name)),
                    "AT_SYMLINK_NOFOLLOW", "STATX_BASIC_STATS")));
            return false;
        }
        if (!statx.isDirectory()) {
            return unlink(parentFd, parentPath, name, 0);
        }
        if (isOtherMount()) {
            return false;
        }
        return removeDirectory(parentFd, parentPath, name);
    }

    /** Empties and then removes one subdirectory on the top directory's filesystem. Returns true when it is gone. */
    private boolean removeDirectory(int parentFd, String parentPath, byte[] name) {
        String path = parentPath.endsWith("/") ? parentPath + decode(name) : parentPath + "/" + decode(name);
        int flags = OpenFlags.READ_ONLY | openFlags.directory() | openFlags.noFollow() | OpenFlags.CLOSE_ON_EXEC;
        int fd = libc.openat(parentFd, name, flags, 0);
        if (fd < 0) {
            failures.add(failure("openat", arguments(describeDirectory(parentFd, parentPath), quote(decode(name)),
                    openFlags.describe(flags))));
            return false;
        }
        boolean empty;
        try {
            // Something may have been mounted on the name between statx and openat, so check the open directory itself.
            if (statx.fill(fd, cString(""), Statx.AT_EMPTY_PATH) != 0) {
                failures.add(failure("statx", arguments(describeDirectory(fd, path), "\"\"", "AT_EMPTY_PATH", "STATX_BASIC_STATS")));
                return false;
            }
            if (isOtherMount()) {
                return false;
            }
            empty = emptyDirectory(fd, path);
        } finally {
            closeDirectory(fd, path);
        }
        return empty && unlink(parentFd, parentPath, name, AT_REMOVEDIR);
    }

    /** Returns whether the directory in the statx buffer is the root of a mount below the top directory. */
    private boolean isOtherMount() {
        return !statx.sameDevice(topMajor, topMinor) || statx.isMountRoot();
    }

    /** Unlinks one entry; the message strings are built only when it fails. */
    private boolean unlink(int parentFd, String parentPath, byte[] name, int flags) {
        if (libc.unlinkat(parentFd, name, flags) != 0) {
            String flagText = flags == AT_REMOVEDIR ? "AT_REMOVEDIR" : "0";
            failures.add(failure("unlinkat", arguments(describeDirectory(parentFd, parentPath), quote(decode(name)),
                    flagText)));
            return false;
        }
        removed++;
        return true;
    }

    private int openTopDirectory(String path) throws NativeException {
        int flags = OpenFlags.READ_ONLY | openFlags.directory() | openFlags.noFollow() | OpenFlags.CLOSE_ON_EXEC;
        int fd = libc.openat(Statx.AT_FDCWD, cString(path), flags, 0);
        if (fd < 0) {
            throw failure("openat", arguments("AT_FDCWD", quote(path), openFlags.describe(flags)));
        }
        return fd;
    }

    private void closeDirectory(int fd, String path) {
        if (libc.close(fd) != 0) {
            failures.add(failure("close", arguments(describeDirectory(fd, path))));
        }
    }

    /** Decodes a name for messages and child paths. Bytes that are not UTF-8 become U+FFFD. */
    private static String decode(byte[] name) {
        return new String(name, 0, name.length - 1, StandardCharsets.UTF_8);
    }
}
