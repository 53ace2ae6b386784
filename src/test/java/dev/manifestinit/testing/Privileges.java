package dev.manifestinit.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** Whether this process's mount namespace differs from PID 1's, which the host's init holds. */
    public static boolean inPrivateMountNamespace() {
        try {
            Path own = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"));
            Path init = Files.readSymbolicLink(Path.of("/proc/1/ns/mnt"));
            return !own.equals(init);
        } catch (IOException e) {
            return false;
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
