package dev.manifestinit.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What the test JVM may do to the system it runs on. */
public final class Privileges {
    private Privileges() {
    }

    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /**
     * Returns whether this process's mount namespace differs from the host's, which is PID 1's. Where
     * /proc/1/ns/mnt cannot be read, because a sandbox's init may deny root ptrace access, the parent
     * process's namespace stands in for the host's: it is the one the test JVM wrapper unshared from.
     */
    public static boolean inPrivateMountNamespace() {
        Optional<Path> own = mountNamespace(ProcessHandle.current().pid());
        Optional<Path> host = mountNamespace(1)
                .or(() -> ProcessHandle.current().parent().flatMap(parent -> mountNamespace(parent.pid())));
        return own.isPresent() && host.isPresent() && !own.get().equals(host.get());
    }

    private static Optional<Path> mountNamespace(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "mnt")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops a test before it mounts anything unless the JVM runs in a private mount namespace,
     * so that no test mount can land in the host's namespace.
     */
    public static void requirePrivateMountNamespace() {
        if (!inPrivateMountNamespace()) {
            throw new IllegalStateException("refusing to mount: the test JVM shares the host's mount namespace;"
                    + " run the tests through Maven, which starts the JVM in a private one");
        }
    }
}
