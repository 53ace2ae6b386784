package dev.manifestinit.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.Privileges;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link LinuxKernel#loadModule} for real on files that are no modules, so that no kernel
 * ever loads anything here; the QEMU boots load real modules with it.
 */
class LinuxKernelModuleTest {
    private final LinuxKernel kernel = new LinuxKernel();

    @Test
    void missingFileNamedWithEnoent(@TempDir Path directory) {
        String path = directory.resolve("missing.ko").toString();

        NativeException e = assertThrows(NativeException.class, () -> kernel.loadModule(path, ""));

        assertEquals("openat", e.operation());
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("\"" + path + "\""), e.getMessage());
    }

    @Test
    void nonModuleFileRejectedNamingPath(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("not-a-module.ko"), "this is text, not an ELF object\n");

        NativeException e = assertThrows(NativeException.class, () -> kernel.loadModule(file.toString(), "debug=1"));

        assertEquals("finit_module", e.operation());
        assertEquals(expectedErrnoName(), e.errnoName(), e.getMessage());
        assertTrue(e.getMessage().matches("finit_module \\(\\d+<" + java.util.regex.Pattern.quote(file.toString())
                + ">, \"debug=1\", 0\\): " + expectedErrnoName() + " \\(.+\\)"), e.getMessage());
    }

    @Test
    void descriptorClosedAfterFailure(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("not-a-module.ko"), "text\n");
        long before = openDescriptors();

        for (int i = 0; i < 20; i++) {
            assertThrows(NativeException.class, () -> kernel.loadModule(file.toString(), ""));
        }

        // A leak would leave 20 more; the JVM itself may open one or two meanwhile.
        long after = openDescriptors();
        assertTrue(after <= before + 2, "open descriptors before " + before + ", after " + after);
    }

    @Test
    void syscallNumberKnownForCommonArchitectures() {
        assertEquals(313, SystemCallNumbers.finitModule(Architecture.of("amd64")));
        assertEquals(273, SystemCallNumbers.finitModule(Architecture.of("aarch64")));
        assertEquals(379, SystemCallNumbers.finitModule(Architecture.of("arm")));
    }

    /**
     * Returns the errno this machine gives: ENOSYS from a kernel built without module support (it
     * has no /proc/modules), EPERM without CAP_SYS_MODULE, else ENOEXEC, because the file is no ELF
     * object.
     */
    private static String expectedErrnoName() {
        if (!Files.exists(Path.of("/proc/modules"))) {
            return "ENOSYS";
        }
        return Privileges.isRoot() ? "ENOEXEC" : "EPERM";
    }

    private static long openDescriptors() throws Exception {
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        }
    }
}
