package dev.manifestinit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.validation.ManifestValidator;
import dev.manifestinit.validation.Report;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The --plan output of every machine manifest in manifests/ as golden files, with two kernel
 * command lines: one without root=, so the manifest's default side boots, and one naming the last
 * root label with arguments for the target init. A new manifest fails here until its golden files
 * exist: run with UPDATE_GOLDEN=1 to write them, then review them.
 */
class RepositoryPlansTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final String DEFAULT_COMMAND_LINE = "console=ttyS4,115200n8 rootwait";

    static Stream<Path> machineManifests() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("manifests"))) {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("machineManifests")
    void planMatchesGoldenFiles(Path manifest) throws IOException {
        String name = manifest.getFileName().toString().replaceFirst("\\.yaml$", "");
        Report report = new ManifestValidator().validate(manifest, manifest.toString());
        assertFalse(report.hasErrors(), report.findings().toString());
        List<PartitionLabel> labels = report.loaded().manifest().root().labels();
        PartitionLabel last = labels.get(labels.size() - 1);

        comparePlan(manifest, DEFAULT_COMMAND_LINE, name + "-default.plan");
        comparePlan(manifest, "console=ttyS4 root=PARTLABEL=" + last + " -- --log-level=debug",
                name + "-" + last + ".plan");
    }

    private static void comparePlan(Path manifest, String commandLine, String golden) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new String[] {"--plan", "--manifest", manifest.toString(), "--cmdline", commandLine});
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        String plan = out.toString(StandardCharsets.UTF_8);

        Path expected = GOLDEN.resolve(golden);
        if ("1".equals(System.getenv("UPDATE_GOLDEN"))) {
            Files.createDirectories(GOLDEN);
            Files.writeString(expected, plan);
        }
        assertTrue(Files.exists(expected), expected + " is missing; run with UPDATE_GOLDEN=1 and review it");
        assertEquals(Files.readString(expected), plan, manifest + " with " + commandLine);
    }
}
