package dev.manifestinit.os;

import java.util.List;
import java.util.Set;

/**
 * The system calls the boot steps make. Plans and policies are tested against a fake;
 * {@link LinuxKernel} makes the calls for real through JNR-FFI.
 *
 * <p>Every method throws {@link NativeException} naming the call, its paths and flags, and the errno.
 */
public interface Kernel {

    /** mount(2). {@code data} may be null. */
    void mount(String source, String target, String fsType, Set<MountFlag> flags, String data)
            throws NativeException;

    /** umount2(2) with the given flags (such as MNT_DETACH = 2). */
    void unmount(String target, int flags) throws NativeException;

    /** mkdir(2) of one directory; the caller decides whether EEXIST is an error. */
    void makeDirectory(String path, int mode) throws NativeException;

    void changeDirectory(String path) throws NativeException;

    void changeRoot(String path) throws NativeException;

    /** The f_type of statfs(2) for the filesystem holding {@code path}, such as 0x01021994 for tmpfs. */
    long filesystemMagic(String path) throws NativeException;

    /**
     * statx(2) of {@code path}. With {@code followLinks} false a symbolic link is described itself.
     * Returns null when the path does not exist (ENOENT or ENOTDIR).
     */
    FileStatus status(String path, boolean followLinks) throws NativeException;

    /** Whether {@code path} is the root of a mount, from statx's STATX_ATTR_MOUNT_ROOT. */
    boolean isMountPoint(String path) throws NativeException;

    /**
     * Deletes everything below the directory {@code path} but not the directory itself, through
     * openat/getdents64/unlinkat on directory descriptors so that no path is resolved twice.
     * A directory on another device than {@code path} (a mount point) is left alone with all that is
     * below it, and so is its name in the parent. Returns the number of entries removed.
     */
    long removeContents(String path) throws NativeException;

    int processId();

    /**
     * Asks the kernel to scan the partition table of the whole-disk block device {@code device}
     * again: ioctl(2) BLKRRPART. The kernel first drops the disk's partitions and then adds those
     * its own partition parsers find, so partitions that user space added (partx, BLKPG) are gone
     * afterwards unless the kernel finds them itself. Fails with EBUSY while a partition is open,
     * such as mounted, and with EINVAL for a device that does not scan partitions, such as a loop
     * device attached without --partscan.
     */
    void rereadPartitionTable(String device) throws NativeException;

    /**
     * Loads the kernel module in the file {@code path} with finit_module(2). {@code parameters} is the
     * param_values string, such as {@code "queue_depth=64 poll_queues=1"}, or empty. The failure of a
     * module that is already loaded has the errno EEXIST; a missing file fails in openat with ENOENT.
     */
    void loadModule(String path, String parameters) throws NativeException;

    /** Marks every file descriptor from {@code lowest} up close-on-exec, so exec leaves only 0 to lowest-1. */
    void closeOnExecFrom(int lowest) throws NativeException;

    /**
     * Flushes every filesystem with sync(2), then restarts or powers off with reboot(2). Returns
     * only by throwing. In a PID namespace other than the first, the kernel ends that namespace
     * instead. Implementations refuse unless this process is PID 1, so that no mistaken call from
     * a test or a shell ever stops the machine it runs on.
     */
    void reboot(RebootCommand command) throws NativeException;

    /** execve(2). Returns only by throwing. */
    void execute(String path, List<String> arguments, List<String> environment) throws NativeException;

    /**
     * Makes the next of a few short preparations for the calls that a boot makes later, such as
     * binding native functions, with calls that change nothing, so that the first real use of each
     * costs less. Returns false when none is left. The boot calls it on its main thread while that
     * would otherwise wait for the manifest check, and stops when the check ends. The default has
     * none.
     */
    default boolean prepareNext() {
        return false;
    }
}
