package dev.manifestinit.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.kenai.jffi.internal.StubLoader;

import dev.manifestinit.testing.NeedsRoot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests chdir, chroot, closeOnExecFrom and execve, which change the whole process, in a child JVM
 * running {@link KernelChild} with the test class path.
 */
class ProcessWideCallsTest {

    /** The output of one child JVM. */
    private record ChildResult(int exitCode, String stdout, String stderr) {
    }

    @Test
    void closeOnExecFromLeavesOnlyStandardDescriptors() throws Exception {
        ChildResult result = runChild("close-range");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("0\n1\n2\n", result.stdout(), result.stderr());
    }

    @Test
    void descriptorListingFallbackLeavesOnlyStandardDescriptors() throws Exception {
        ChildResult result = runChild("fd-listing");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("0\n1\n2\n", result.stdout(), result.stderr());
    }

    @Test
    void changeDirectoryMovesWorkingDirectory(@TempDir Path directory) throws Exception {
        Path real = directory.toRealPath();

        ChildResult result = runChild("chdir", real.toString());

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(real + "\n", result.stdout(), result.stderr());
    }

    @Test
    @NeedsRoot
    void changeRootShowsOnlyNewRoot(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("marker"), "here");

        ChildResult result = runChild("chroot", directory.toString());

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("marker=true\njava.home=false\n", result.stdout(), result.stderr());
    }

    /**
     * With the stub unpacked into jffi.boot.library.path, jffi maps it from there, and does not fall
     * back to unpacking it into java.io.tmpdir (missing here) or the working directory.
     */
    @Test
    void jffiLoadsStubFromBootLibraryPath(@TempDir Path directory) throws Exception {
        Path bootPath = Files.createDirectory(directory.resolve("boot"));
        Path unpacked = bootPath.resolve(System.mapLibraryName("jffi-1.2"));
        String resource = "jni/" + StubLoader.getPlatformName() + "/" + unpacked.getFileName();
        try (InputStream in = StubLoader.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            Files.copy(in, unpacked);
        }

        ChildResult result = runChild(List.of("-Djffi.boot.library.path=" + bootPath,
                "-Djava.io.tmpdir=" + directory.resolve("missing")), "jffi-stub");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(unpacked + "\n", result.stdout(), result.stderr());
    }

    private static ChildResult runChild(String... args) throws IOException, InterruptedException {
        return runChild(List.of(), args);
    }

    private static ChildResult runChild(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(KernelChild.class.getName());
        command.addAll(List.of(args));

        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        // Read stderr on another thread so that neither pipe can fill up and stall the child.
        CompletableFuture<String> stderr = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                stderr.complete(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                stderr.completeExceptionally(e);
            }
        });
        reader.start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not exit within 60 s: " + command);
        }
        reader.join();
        return new ChildResult(process.exitValue(), stdout, stderr.join());
    }
}
