package dev.manifestinit.exec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.manifest.ManifestLoader;
import dev.manifestinit.validation.ManifestValidator;
import dev.manifestinit.validation.Report;
import dev.manifestinit.validation.ValidationRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestCheckTest {
    @TempDir
    Path directory;

    @Test
    void matchingRecordSkipsConstraints() throws Exception {
        Path manifest = directory.resolve("manifest.yaml");
        Files.writeString(manifest, flattenedRainier());
        ValidationRecord.write(ValidationRecord.recordFileOf(manifest), List.of(Files.readAllBytes(manifest)));

        ManifestCheck.Result result = ManifestCheck.start(manifest).result();

        assertTrue(result.recordMessage().startsWith("the manifest matches the validation record"),
                result.recordMessage());
        assertFalse(result.report().fails(true), result.report().findings().toString());
    }

    @Test
    void missingBaseIsNotVouchedFor() throws Exception {
        Path manifest = directory.resolve("rainier.yaml");
        Files.copy(Path.of("manifests/rainier.yaml"), manifest);
        ValidationRecord.write(ValidationRecord.recordFileOf(manifest), List.of(Files.readAllBytes(manifest)));

        ManifestCheck.Result result = ManifestCheck.start(manifest).result();

        assertTrue(result.recordMessage().startsWith("the manifest has errors; validating the manifest in full"),
                result.recordMessage());
        assertTrue(result.report().fails(false), result.report().findings().toString());
    }

    private static String flattenedRainier() throws Exception {
        Report report = new ManifestValidator().validate(Path.of("manifests/rainier.yaml"), "rainier.yaml");
        assertFalse(report.fails(true), report.findings().toString());
        return ManifestLoader.write(report.loaded().document());
    }
}
