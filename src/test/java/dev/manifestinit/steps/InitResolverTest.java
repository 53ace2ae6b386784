package dev.manifestinit.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.os.LinuxKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolves symbolic links of a directory tree made by each test, standing in for the new root. */
class InitResolverTest {
    @TempDir
    Path root;

    private AbsolutePath newRoot;
    private final LinuxKernel kernel = new LinuxKernel();

    @BeforeEach
    void makeTree() throws Exception {
        newRoot = AbsolutePath.parse(root.toString());
        Files.createDirectories(root.resolve("sbin"));
        Files.createDirectories(root.resolve("lib/systemd"));
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("lib/systemd/systemd"), "binary");
        Files.writeString(root.resolve("bin/busybox"), "binary");
    }

    @Test
    void relativeLinkStaysInside() throws Exception {
        Files.createSymbolicLink(root.resolve("sbin/init"), Path.of("../lib/systemd/systemd"));
        assertEquals(root + "/lib/systemd/systemd",
                InitResolver.resolve(kernel, newRoot, AbsolutePath.parse("/sbin/init")));
    }

    @Test
    void absoluteLinkStartsAtNewRoot() throws Exception {
        Files.createSymbolicLink(root.resolve("sbin/init"), Path.of("/bin/busybox"));
        assertEquals(root + "/bin/busybox", InitResolver.resolve(kernel, newRoot, AbsolutePath.parse("/sbin/init")));
    }

    @Test
    void dotDotCannotClimbAboveNewRoot() throws Exception {
        Files.createSymbolicLink(root.resolve("sbin/init"), Path.of("../../../../bin/busybox"));
        assertEquals(root + "/bin/busybox", InitResolver.resolve(kernel, newRoot, AbsolutePath.parse("/sbin/init")));
    }

    @Test
    void linkedDirectoryFollowed() throws Exception {
        Files.delete(root.resolve("sbin"));
        Files.createSymbolicLink(root.resolve("sbin"), Path.of("bin"));
        Files.createSymbolicLink(root.resolve("bin/init"), Path.of("busybox"));
        assertEquals(root + "/bin/busybox", InitResolver.resolve(kernel, newRoot, AbsolutePath.parse("/sbin/init")));
    }

    @Test
    void linkLoopRejected() throws Exception {
        Files.createSymbolicLink(root.resolve("sbin/init"), Path.of("init2"));
        Files.createSymbolicLink(root.resolve("sbin/init2"), Path.of("init"));
        StepFailure error = assertThrows(StepFailure.class,
                () -> InitResolver.resolve(kernel, newRoot, AbsolutePath.parse("/sbin/init")));
        assertTrue(error.getMessage().contains("more than 40 symbolic links"), error.getMessage());
    }

    @Test
    void missingTargetResolvesToItsPath() throws Exception {
        Files.createSymbolicLink(root.resolve("sbin/init"), Path.of("/lib/systemd/absent"));
        assertEquals(root + "/lib/systemd/absent",
                InitResolver.resolve(kernel, newRoot, AbsolutePath.parse("/sbin/init")));
    }
}
