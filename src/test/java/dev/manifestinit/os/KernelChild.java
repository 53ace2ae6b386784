package dev.manifestinit.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A JVM that {@link ProcessWideCallsTest} starts to make the calls that change the whole process:
 * chdir, chroot, marking descriptors close-on-exec and execve. It prints what it observes to stdout.
 *
 * <p>Usage: {@code KernelChild MODE [DIRECTORY]} with MODE one of {@code close-range},
 * {@code fd-listing}, {@code chdir}, {@code chroot} or {@code jffi-stub}.
 */
public final class KernelChild {
    /** The shell lists its own descriptors from a forked ls; {@code exit} keeps it from exec'ing ls directly. */
    private static final List<String> LIST_SHELL_DESCRIPTORS = List.of("sh", "-c", "ls /proc/$$/fd; exit 0");

    private KernelChild() {
    }

    public static void main(String[] args) throws Exception {
        LinuxKernel kernel = new LinuxKernel();
        switch (args[0]) {
            case "close-range" -> {
                openWithoutCloseOnExec(3);
                kernel.closeOnExecFrom(3);
                kernel.execute("/bin/sh", LIST_SHELL_DESCRIPTORS, List.of("PATH=/usr/bin:/bin"));
            }
            case "fd-listing" -> {
                openWithoutCloseOnExec(3);
                kernel.closeOnExecByListing(3);
                kernel.execute("/bin/sh", LIST_SHELL_DESCRIPTORS, List.of("PATH=/usr/bin:/bin"));
            }
            case "chdir" -> {
                kernel.changeDirectory(args[1]);
                System.out.println(Files.readSymbolicLink(Path.of("/proc/self/cwd")));
            }
            case "chroot" -> changeRoot(kernel, args[1]);
            case "jffi-stub" -> printJffiStub(kernel);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    /** Makes a first native call, then prints the file that jffi's stub was mapped from. */
    private static void printJffiStub(LinuxKernel kernel) throws IOException {
        kernel.processId();
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            maps.filter(line -> line.contains("/") && line.contains("jffi"))
                    .map(line -> line.substring(line.indexOf('/')))
                    .distinct()
                    .forEach(System.out::println);
        }
    }

    /** Opens /dev/null {@code count} times without O_CLOEXEC, as an inherited descriptor would be. */
    private static void openWithoutCloseOnExec(int count) {
        for (int i = 0; i < count; i++) {
            int fd = NativeLibrary.libc().openat(Statx.AT_FDCWD, NativeLibrary.cString("/dev/null"), OpenFlags.READ_ONLY, 0);
            if (fd < 0) {
                throw new IllegalStateException("cannot open /dev/null");
            }
        }
    }

    /**
     * Changes root to {@code directory} and reports whether /marker is visible and java.home is not.
     * Every class used after chroot is loaded before it, because the class path is outside the new root.
     */
    private static void changeRoot(LinuxKernel kernel, String directory) throws NativeException {
        String javaHome = System.getProperty("java.home");
        kernel.status("/", true);
        kernel.changeRoot(directory);
        kernel.changeDirectory("/");
        boolean marker = kernel.status("/marker", true) != null;
        boolean outside = kernel.status(javaHome, true) != null;
        System.out.println("marker=" + marker);
        System.out.println("java.home=" + outside);
    }
}
