package dev.manifestinit.testing;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program from a test and returns its standard output, failing with its exit status and stderr. */
public final class ExternalCommand {
    /** Long enough for mkfs.ext4 on a 100 MiB image on a slow CI disk. */
    private static final long TIMEOUT_SECONDS = 120;

    private ExternalCommand() {
    }

    public static String run(String... command) throws IOException {
        return run(List.of(command));
    }

    /**
     * Runs {@code command} with standard input closed and returns its standard output.
     *
     * @throws IOException when it cannot start, exits non-zero or runs longer than 120 s, with the
     *     command line, exit status and standard error in the message
     */
    public static String run(List<String> command) throws IOException {
        Path output = Files.createTempFile("command-", ".stdout");
        Path errors = Files.createTempFile("command-", ".stderr");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(output.toFile())
                    .redirectError(errors.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " timed out after " + TIMEOUT_SECONDS + " s");
            }
            int status = process.exitValue();
            if (status != 0) {
                throw new IOException(String.join(" ", command) + " failed with exit status " + status + ": "
                        + Files.readString(errors, StandardCharsets.UTF_8).strip());
            }
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running " + String.join(" ", command));
        } finally {
            Files.deleteIfExists(output);
            Files.deleteIfExists(errors);
        }
    }
}
