package dev.manifestinit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.validation.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case of the bad-manifest table through the command line: --validate exits 1 and
 * prints the finding with its line, for a warning only with --strict.
 */
class BadManifestExitTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @MethodSource("dev.manifestinit.validation.ManifestValidatorTest#badManifests")
    void badManifestExitsOne(String text, Severity severity, String path, int line, String message)
            throws IOException {
        Path file = directory.resolve("test.yaml");
        Files.writeString(file, text);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        int status = severity == Severity.WARNING
                ? main.run(new String[] {"--validate", "--strict", file.toString()})
                : main.run(new String[] {"--validate", file.toString()});

        String output = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, output + err.toString(StandardCharsets.UTF_8));
        String expected = ":" + line + ":";
        assertTrue(output.lines().anyMatch(finding -> finding.startsWith(file + expected)
                && finding.contains(" " + severity + " at " + path + ": ") && finding.contains(message)),
                "no line " + file + expected + "...: " + severity + " at " + path + " in\n" + output);
    }
}
