package dev.manifestinit.exec;

import dev.manifestinit.steps.StepFailure;
import dev.manifestinit.steps.ToolRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs tools from the initramfs with ProcessBuilder, capturing their output for the log. */
public final class ProcessToolRunner implements ToolRunner {
    /** The directories of an initramfs that hold programs, searched in this order. */
    public static final List<Path> INITRAMFS_PATH =
            List.of(Path.of("/sbin"), Path.of("/usr/sbin"), Path.of("/bin"), Path.of("/usr/bin"));
    /** The shell reports a child killed by signal N as exit status 128 + N; ProcessBuilder does the same. */
    private static final int SIGNAL_BASE = 128;

    private final List<Path> searchPath;

    /** Creates a runner that finds programs in {@link #INITRAMFS_PATH}. */
    public ProcessToolRunner() {
        this(INITRAMFS_PATH);
    }

    /** Creates a runner that finds programs in {@code searchPath}, such as a test's directory of stubs. */
    public ProcessToolRunner(List<Path> searchPath) {
        this.searchPath = List.copyOf(searchPath);
    }

    @Override
    public String find(String program) {
        for (Path directory : searchPath) {
            Path candidate = directory.resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    @Override
    public Result run(List<String> command) throws StepFailure {
        String commandLine = String.join(" ", command);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            String output;
            try (InputStream stream = process.getInputStream()) {
                output = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            }
            int status = process.waitFor();
            // NOTE: Java reports a signal death as 128 + N, the same as a real exit status of 128 + N.
            // e2fsck exits with at most 128 (FSCK_LIBRARY alone) and a signal gives 129 or more, so
            // for e2fsck the two cannot be confused.
            if (status > SIGNAL_BASE) {
                return new Result(-1, status - SIGNAL_BASE, output);
            }
            return new Result(status, 0, output);
        } catch (IOException e) {
            throw new StepFailure("cannot run " + commandLine + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while waiting for " + commandLine, e);
        }
    }
}
