package dev.manifestinit.os;

import static dev.manifestinit.os.NativeLibrary.arguments;
import static dev.manifestinit.os.NativeLibrary.cString;
import static dev.manifestinit.os.NativeLibrary.failure;
import static dev.manifestinit.os.NativeLibrary.libc;
import static dev.manifestinit.os.NativeLibrary.octal;
import static dev.manifestinit.os.NativeLibrary.quote;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The {@link Kernel} of a Linux system with glibc 2.30 or later, called through JNR-FFI.
 *
 * <p>libc is loaded on the first call, not when this class is created. Every failed call throws a
 * {@link NativeException} whose message shows the call the way strace does, such as
 * {@code mount ("/dev/mmcblk0p3", "/newroot", "ext4", MS_RDONLY, NULL): EINVAL (Invalid argument)}.
 * Paths go to the kernel encoded as UTF-8, whatever the locale.
 *
 * <p>Startup cost of jffi 1.3.13, the native half of JNR-FFI: at its first use, jffi loads its stub
 * {@code libjffi-1.2.so} from the directories in the system property {@code jffi.boot.library.path}
 * (trying {@code DIR/<cpu>-Linux/} before {@code DIR/}), then from {@code java.library.path}.
 * Failing both, it unpacks the stub from its jar into a new file in {@code java.io.tmpdir}, or into
 * {@code jffi.extract.dir} when that is set, at every JVM start. That directory must then be writable
 * and not mounted noexec. An initramfs therefore ships the stub unpacked and starts the JVM with
 * {@code -Djffi.boot.library.path=DIR}.
 *
 * <p>On Java 24 and later (seen with Temurin 25), jffi's {@code System.load} and its use of
 * {@code sun.misc.Unsafe} each print a warning to stderr at the first native call. The options
 * {@code --enable-native-access=ALL-UNNAMED} (accepted from Java 17 on) and
 * {@code --sun-misc-unsafe-memory-access=allow} (from Java 23 on, and Java 17 does not start with
 * it) silence them.
 */
public final class LinuxKernel implements Kernel {
    private static final int STATFS_BUFFER_SIZE = 256;
    private static final int CLOSE_RANGE_CLOEXEC = 1 << 2;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;
    // These errno values come from asm-generic/errno-base.h, which every architecture shares.
    private static final int ENOENT = 2;
    private static final int EBADF = 9;
    private static final int ENOTDIR = 20;

    @Override
    public void mount(String source, String target, String fsType, Set<MountFlag> flags, String data)
            throws NativeException {
        int result = libc().mount(cString(source), cString(target), cString(fsType), MountFlag.bits(flags), cString(data));
        if (result != 0) {
            throw failure("mount", arguments(quote(source), quote(target), quote(fsType), MountFlag.describe(flags), quote(data)));
        }
    }

    @Override
    public void unmount(String target, int flags) throws NativeException {
        if (libc().umount2(cString(target), flags) != 0) {
            throw failure("umount2", arguments(quote(target), describeUnmountFlags(flags)));
        }
    }

    @Override
    public void makeDirectory(String path, int mode) throws NativeException {
        if (libc().mkdir(cString(path), mode) != 0) {
            throw failure("mkdir", arguments(quote(path), octal(mode)));
        }
    }

    @Override
    public void changeDirectory(String path) throws NativeException {
        if (libc().chdir(cString(path)) != 0) {
            throw failure("chdir", arguments(quote(path)));
        }
    }

    @Override
    public void changeRoot(String path) throws NativeException {
        if (libc().chroot(cString(path)) != 0) {
            throw failure("chroot", arguments(quote(path)));
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>f_type is a native long. On 32-bit systems it is read as unsigned, because magic numbers
     * above 0x7fffffff, such as btrfs's 0x9123683e, would otherwise come out negative.
     */
    @Override
    public long filesystemMagic(String path) throws NativeException {
        Runtime runtime = NativeLibrary.runtime();
        Pointer buffer = Memory.allocateDirect(runtime, STATFS_BUFFER_SIZE, true);
        if (libc().statfs64(cString(path), buffer) != 0) {
            throw failure("statfs64", arguments(quote(path), "buffer"));
        }
        long type = buffer.getNativeLong(0);
        return runtime.longSize() == 4 ? type & 0xffffffffL : type;
    }

    @Override
    public FileStatus status(String path, boolean followLinks) throws NativeException {
        Statx statx = new Statx();
        int flags = followLinks ? 0 : Statx.AT_SYMLINK_NOFOLLOW;
        if (statx.fill(Statx.AT_FDCWD, cString(path), flags) != 0) {
            NativeException e = failure("statx",
                    arguments("AT_FDCWD", quote(path), followLinks ? "0" : "AT_SYMLINK_NOFOLLOW", "STATX_BASIC_STATS"));
            if (e.errno() == ENOENT || e.errno() == ENOTDIR) {
                return null;
            }
            throw e;
        }
        return statx.toFileStatus();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Follows a symbolic link at {@code path}. On kernels before 5.8, which lack
     * STATX_ATTR_MOUNT_ROOT, a path is a mount point when it is {@code /} or its device differs from
     * its parent's.
     */
    @Override
    public boolean isMountPoint(String path) throws NativeException {
        Statx statx = new Statx();
        if (statx.fill(Statx.AT_FDCWD, cString(path), 0) != 0) {
            throw failure("statx", arguments("AT_FDCWD", quote(path), "0", "STATX_BASIC_STATS"));
        }
        if (statx.knowsMountRoot()) {
            return statx.isMountRoot();
        }
        // NOTE: this fallback misses a bind mount within one filesystem, whose device equals its parent's.
        if (path.equals("/")) {
            return true;
        }
        int major = statx.deviceMajor();
        int minor = statx.deviceMinor();
        String parent = path + "/..";
        if (statx.fill(Statx.AT_FDCWD, cString(parent), 0) != 0) {
            throw failure("statx", arguments("AT_FDCWD", quote(parent), "0", "STATX_BASIC_STATS"));
        }
        return !statx.sameDevice(major, minor);
    }

    /**
     * {@inheritDoc}
     *
     * <p>This deletes files for good. {@code path} must be a directory and not a symbolic link
     * (earlier components of it may be links), and no symbolic link below it is followed. A failure
     * on one entry does not stop the walk: the entries that can go are removed, and then the first
     * failure is thrown with the others attached as suppressed exceptions.
     *
     * @throws UnsupportedOperationException on an architecture whose open(2) flags {@link OpenFlags} lacks
     */
    @Override
    public long removeContents(String path) throws NativeException {
        return new ContentsRemover(libc(), OpenFlags.current()).removeContents(path);
    }

    @Override
    public int processId() {
        return libc().getpid();
    }

    @Override
    public void rereadPartitionTable(String device) throws NativeException {
        OpenFlags openFlags = OpenFlags.current();
        int flags = OpenFlags.READ_ONLY | OpenFlags.CLOSE_ON_EXEC;
        int fd = libc().openat(Statx.AT_FDCWD, cString(device), flags, 0);
        if (fd < 0) {
            throw failure("openat", arguments("AT_FDCWD", quote(device), openFlags.describe(flags)));
        }
        try {
            if (libc().ioctl(fd, BlockIoctl.current().rereadPartitionTable(), 0L) != 0) {
                throw failure("ioctl", arguments(quote(device), "BLKRRPART"));
            }
        } finally {
            // The descriptor was only used for the ioctl and wrote nothing, so a failed close loses no data.
            libc().close(fd);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The failure message shows the descriptor with its path, as {@code strace -y} does, such as
     * {@code finit_module (5</lib/modules/virtio.ko>, "", 0): ENOEXEC (Exec format error)}. Flags are
     * always 0, so the file must be an uncompressed module built for the running kernel.
     */
    @Override
    public void loadModule(String path, String parameters) throws NativeException {
        int flags = OpenFlags.READ_ONLY | OpenFlags.CLOSE_ON_EXEC;
        int fd = libc().openat(Statx.AT_FDCWD, cString(path), flags, 0);
        if (fd < 0) {
            throw failure("openat", arguments("AT_FDCWD", quote(path), OpenFlags.current().describe(flags)));
        }
        try {
            long number = SystemCallNumbers.finitModule(Architecture.current());
            String values = parameters == null ? "" : parameters;
            if (libc().syscall(number, fd, cString(values), 0) != 0) {
                throw failure("finit_module", arguments(fd + "<" + path + ">", quote(values), "0"));
            }
        } finally {
            // The descriptor only read the module file, so a failed close cannot lose data.
            libc().close(fd);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Uses close_range(2) with CLOSE_RANGE_CLOEXEC (Linux 5.11, glibc 2.34). Where the kernel
     * rejects that with ENOSYS or EINVAL, or glibc lacks close_range, it sets FD_CLOEXEC on each
     * descriptor listed in /proc/self/fd, which must then be mounted.
     */
    @Override
    public void closeOnExecFrom(int lowest) throws NativeException {
        if (lowest < 0) {
            throw new IllegalArgumentException("lowest file descriptor must be 0 or more, got " + lowest);
        }
        try {
            // The last descriptor is ~0U, the largest unsigned int, which is -1 as a Java int.
            if (libc().close_range(lowest, -1, CLOSE_RANGE_CLOEXEC) == 0) {
                return;
            }
        } catch (UnsatisfiedLinkError e) {
            closeOnExecByListing(lowest);
            return;
        }
        NativeException e = failure("close_range", arguments(Integer.toString(lowest), "~0U", "CLOSE_RANGE_CLOEXEC"));
        // The name is compared because ENOSYS differs between architectures. glibc has close_range
        // only from 2.34 on, so strerrorname_np (2.32) is always there to name the error.
        if (!e.errnoName().equals("ENOSYS") && !e.errnoName().equals("EINVAL")) {
            throw e;
        }
        closeOnExecByListing(lowest);
    }

    /** Sets FD_CLOEXEC on every descriptor from {@code lowest} up that /proc/self/fd lists. */
    void closeOnExecByListing(int lowest) throws NativeException {
        for (int fd : listOpenDescriptors()) {
            if (fd < lowest) {
                continue;
            }
            if (libc().fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
                NativeException e = failure("fcntl", arguments(Integer.toString(fd), "F_SETFD", "FD_CLOEXEC"));
                // The descriptor that read the listing is closed by now, and so may be others.
                if (e.errno() != EBADF) {
                    throw e;
                }
            }
        }
    }

    private List<Integer> listOpenDescriptors() throws NativeException {
        String path = "/proc/self/fd";
        OpenFlags openFlags = OpenFlags.current();
        int flags = OpenFlags.READ_ONLY | openFlags.directory() | OpenFlags.CLOSE_ON_EXEC;
        int fd = libc().openat(Statx.AT_FDCWD, cString(path), flags, 0);
        if (fd < 0) {
            throw failure("openat", arguments("AT_FDCWD", quote(path), openFlags.describe(flags)));
        }
        List<Integer> descriptors = new ArrayList<>();
        try {
            DirectoryReader reader = new DirectoryReader(fd, path);
            for (byte[] name = reader.next(); name != null; name = reader.next()) {
                descriptors.add(Integer.parseInt(new String(name, 0, name.length - 1, StandardCharsets.US_ASCII)));
            }
        } finally {
            // Closing a descriptor that only read a directory cannot lose data, so a failure here is ignored.
            libc().close(fd);
        }
        return descriptors;
    }

    @Override
    public void reboot(RebootCommand command) throws NativeException {
        int pid = processId();
        if (pid != 1) {
            throw new NativeException("reboot", arguments(command.constantName()), 1, "EPERM",
                    "refused by manifest-init: only PID 1 may reboot, and this process is PID " + pid);
        }
        libc().sync();
        libc().reboot(command.value());
        throw failure("reboot", arguments(command.constantName()));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The message of the exception lists the arguments but only the number of environment
     * variables, which may carry secrets from the kernel command line.
     */
    @Override
    public void execute(String path, List<String> arguments, List<String> environment) throws NativeException {
        Runtime runtime = NativeLibrary.runtime();
        List<Pointer> strings = new ArrayList<>();
        Pointer argumentArray = nullTerminatedArray(runtime, arguments, strings);
        Pointer environmentArray = nullTerminatedArray(runtime, environment, strings);

        libc().execve(cString(path), argumentArray, environmentArray);

        // execve returns only on failure.
        NativeException e = failure("execve", arguments(quote(path),
                arguments.stream().map(NativeLibrary::quote).collect(Collectors.joining(", ", "[", "]")),
                environment.size() + " variables"));
        Reference.reachabilityFence(strings);
        throw e;
    }

    /**
     * Copies {@code values} into native memory as a NULL-terminated array of C strings. The strings'
     * memory is added to {@code keepAlive}, because it is freed once nothing references it.
     */
    private static Pointer nullTerminatedArray(Runtime runtime, List<String> values, List<Pointer> keepAlive) {
        int addressSize = runtime.addressSize();
        Pointer array = Memory.allocateDirect(runtime, (values.size() + 1) * addressSize, true);
        for (int i = 0; i < values.size(); i++) {
            byte[] bytes = cString(values.get(i));
            Pointer string = Memory.allocateDirect(runtime, bytes.length);
            string.put(0, bytes, 0, bytes.length);
            keepAlive.add(string);
            array.putPointer((long) i * addressSize, string);
        }
        array.putAddress((long) values.size() * addressSize, 0L);
        keepAlive.add(array);
        return array;
    }

    /** Formats umount2 flags as {@code MNT_DETACH|...}, with unknown bits in hexadecimal, or {@code 0}. */
    static String describeUnmountFlags(int flags) {
        String[] names = {"MNT_FORCE", "MNT_DETACH", "MNT_EXPIRE", "UMOUNT_NOFOLLOW"};
        List<String> parts = new ArrayList<>();
        int rest = flags;
        for (int bit = 0; bit < names.length; bit++) {
            if ((rest & (1 << bit)) != 0) {
                parts.add(names[bit]);
                rest &= ~(1 << bit);
            }
        }
        if (rest != 0) {
            parts.add("0x" + Integer.toHexString(rest));
        }
        return parts.isEmpty() ? "0" : String.join("|", parts);
    }
}
