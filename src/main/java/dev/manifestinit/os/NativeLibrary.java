package dev.manifestinit.os;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * Loads {@link LibC} on first use and turns a failed call into a {@link NativeException}. Every
 * native call in this package reports its failure through {@link #failure}.
 */
final class NativeLibrary {
    private static final String ASM_PROPERTY = "jnr.ffi.asm.enabled";
    private static final Object LOCK = new Object();
    private static volatile LibC libc;

    private NativeLibrary() {
    }

    /**
     * Returns the bound libc, loading it on the first call. A failed load is not cached, so a later
     * call tries again.
     *
     * @throws IllegalStateException when JNR-FFI cannot load jffi's native stub or libc
     */
    static LibC libc() {
        LibC loaded = libc;
        if (loaded != null) {
            return loaded;
        }
        synchronized (LOCK) {
            if (libc == null) {
                libc = load();
            }
            return libc;
        }
    }

    private static LibC load() {
        // JNR-FFI's default loader generates a class of ASM-compiled stubs for every method of
        // LibC when it loads the library. That costs the boot about 100 ms, and a class archive
        // cannot contain generated classes. With ASM off, JNR-FFI binds each function at its
        // first call through reflection invokers, which are ordinary classes of the jnr-ffi jar.
        // A value set on the command line wins.
        if (System.getProperty(ASM_PROPERTY) == null) {
            System.setProperty(ASM_PROPERTY, "false");
        }
        try {
            String name = Platform.getNativePlatform().getStandardCLibraryName();
            return LibraryLoader.create(LibC.class)
                    .option(LibraryOption.SaveError, Boolean.TRUE)
                    .load(name);
        } catch (LinkageError | RuntimeException e) {
            throw new IllegalStateException("failed to load libc through JNR-FFI: " + e.getMessage()
                    + ". Unless -Djffi.boot.library.path names a directory that contains libjffi-1.2.so,"
                    + " jffi unpacks that file into java.io.tmpdir (" + System.getProperty("java.io.tmpdir")
                    + "), which must be writable and not mounted noexec.", e);
        }
    }

    static Runtime runtime() {
        return Runtime.getRuntime(libc());
    }

    /**
     * Builds the exception for the call that just failed on this thread, from the errno that JNR-FFI
     * saved after it. Call it before any other native call on the same thread, which would replace
     * the saved errno.
     *
     * @param operation the function, such as {@code mount}
     * @param detail the arguments as {@link #arguments} formats them
     */
    static NativeException failure(String operation, String detail) {
        int errno = runtime().getLastError();
        return new NativeException(operation, detail, errno, errnoName(errno), errnoText(errno));
    }

    /** Returns the symbolic name of {@code errno}, such as {@code ENOENT}, or {@code errno N} when libc has none. */
    static String errnoName(int errno) {
        String name = null;
        try {
            name = libc().strerrorname_np(errno);
        } catch (UnsatisfiedLinkError e) {
            // glibc before 2.32 lacks strerrorname_np, so the number alone identifies the error.
        }
        return name != null ? name : "errno " + errno;
    }

    static String errnoText(int errno) {
        String text = libc().strerror(errno);
        return text != null ? text : "Unknown error " + errno;
    }

    /**
     * Encodes {@code text} as UTF-8 followed by a NUL byte, or returns null for null. UTF-8 is fixed
     * because PID 1 starts without LANG, and on Java 17 the default charset then is ASCII.
     */
    static byte[] cString(String text) {
        if (text == null) {
            return null;
        }
        byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[encoded.length + 1];
        System.arraycopy(encoded, 0, terminated, 0, encoded.length);
        return terminated;
    }

    /** Formats a call's arguments as {@code ("a", "b", MS_RDONLY)}, the way strace shows them. */
    static String arguments(String... values) {
        return List.of(values).stream().collect(Collectors.joining(", ", "(", ")"));
    }

    /**
     * Quotes a path or string argument as C source would, escaping quotes, backslashes and control
     * characters so that the message stays on one line. Returns {@code NULL} for null.
     */
    static String quote(String text) {
        if (text == null) {
            return "NULL";
        }
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c == '\n') {
                quoted.append("\\n");
            } else if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /** Formats a permission mode as C octal, such as {@code 0755}. */
    static String octal(int mode) {
        return "0" + Integer.toOctalString(mode);
    }

    /**
     * The glibc functions that {@link LinuxKernel} calls, bound by JNR-FFI. The interface is public
     * because JNR-FFI implements it in a class loader of its own, which cannot see a package-private
     * interface. As a member of this package-private class, it stays out of reach of other packages.
     *
     * <p>Paths are NUL-terminated byte arrays that the caller encodes (see {@link #cString}),
     * so that no locale or default charset changes the bytes that reach the kernel. A Java {@code long}
     * is a native {@code long} in JNR-FFI, which is what {@code unsigned long} mount flags and
     * {@code ssize_t} need on both 32- and 64-bit Linux.
     *
     * <p>The library is loaded with errno saving on, so every call here saves errno for
     * {@code Runtime.getLastError()}, except those marked {@link IgnoreError}.
     */
    public interface LibC {

        int mount(@In byte[] source, @In byte[] target, @In byte[] fsType, long flags, @In byte[] data);

        int umount2(@In byte[] target, int flags);

        int mkdir(@In byte[] path, int mode);

        int chdir(@In byte[] path);

        int chroot(@In byte[] path);

        /**
         * statfs64 rather than statfs: on 32-bit glibc, statfs fails with EOVERFLOW when a block or inode
         * count needs more than 32 bits. Both structs start with {@code __fsword_t f_type}, a native long.
         */
        int statfs64(@In byte[] path, Pointer buffer);

        /** glibc 2.28 and later. {@code buffer} receives a struct statx of 256 bytes. */
        int statx(int directoryFd, @In byte[] path, int flags, int mask, Pointer buffer);

        /** The fourth argument is the variadic mode, which is ignored unless O_CREAT or O_TMPFILE is set. */
        int openat(int directoryFd, @In byte[] path, int flags, int mode);

        int close(int fd);

        /** glibc 2.30 and later. Fills {@code buffer} with struct linux_dirent64 records. */
        @ssize_t long getdents64(int fd, Pointer buffer, @size_t long length);

        int unlinkat(int directoryFd, @In byte[] path, int flags);

        @IgnoreError
        int getpid();

        int execve(@In byte[] path, Pointer arguments, Pointer environment);

        /** glibc 2.34 and later. Through an older glibc, calling it throws UnsatisfiedLinkError. */
        int close_range(int first, int last, int flags);

        /**
         * ioctl(2) with a pointer argument. The request is an unsigned long in glibc's prototype;
         * the GPIO requests fit into a positive Java long.
         */
        int ioctl(int fd, long request, Pointer argument);

        /** reboot(2) through glibc's wrapper, which supplies the magic numbers. */
        int reboot(int command);

        @IgnoreError
        void sync();

        /**
         * syscall(2) with the arguments of finit_module(2): a descriptor, the param_values string
         * and the flags. glibc has no finit_module wrapper.
         */
        @Variadic(fixedCount = 1)
        long syscall(long number, int fd, @In byte[] parameters, int flags);

        /** Only for F_GETFD and F_SETFD, whose variadic argument is an int. */
        int fcntl(int fd, int command, int argument);

        /**
         * Only for requests whose argument is an integer or unused, passed as a native long. The
         * request is an unsigned long in glibc, which a Java long carries on 32- and 64-bit Linux.
         */
        int ioctl(int fd, long request, long argument);

        @IgnoreError
        String strerror(int errno);

        /**
         * glibc 2.32 and later. Through an older glibc, calling it throws UnsatisfiedLinkError.
         * Returns null for an errno value that has no name.
         */
        @IgnoreError
        String strerrorname_np(int errno);
    }
}
