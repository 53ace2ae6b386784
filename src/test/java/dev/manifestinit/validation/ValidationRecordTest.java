package dev.manifestinit.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationRecordTest {
    private static final byte[] MANIFEST = "version: 1\nmachine: a\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER = "version: 1\nmachine: b\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    @Test
    void recordedManifestMatches() throws IOException {
        Path file = directory.resolve("manifest.yaml.validated");
        ValidationRecord.write(file, List.of(MANIFEST));
        assertEquals(ValidationRecord.Match.MATCHES, ValidationRecord.read(file).match(MANIFEST));
    }

    @Test
    void changedManifestDoesNotMatch() throws IOException {
        Path file = directory.resolve("manifest.yaml.validated");
        ValidationRecord.write(file, List.of(MANIFEST));
        assertEquals(ValidationRecord.Match.OTHER_MANIFEST, ValidationRecord.read(file).match(OTHER));
    }

    @Test
    void everyRecordedManifestMatches() throws IOException {
        Path file = directory.resolve("all.validated");
        ValidationRecord.write(file, List.of(MANIFEST, OTHER));
        ValidationRecord record = ValidationRecord.read(file);
        assertEquals(ValidationRecord.Match.MATCHES, record.match(MANIFEST));
        assertEquals(ValidationRecord.Match.MATCHES, record.match(OTHER));
    }

    @Test
    void otherValidatorDoesNotMatch() throws IOException {
        Path file = directory.resolve("manifest.yaml.validated");
        ValidationRecord.write(file, List.of(MANIFEST));
        String text = Files.readString(file).replaceFirst("(?m)^validator .*$", "validator crc32:0 size:1");
        Files.writeString(file, text);
        assertEquals(ValidationRecord.Match.OTHER_VALIDATOR, ValidationRecord.read(file).match(MANIFEST));
    }

    @Test
    void recordHoldsSha256OfManifest() throws IOException {
        Path file = directory.resolve("manifest.yaml.validated");
        ValidationRecord.write(file, List.of("abc".getBytes(StandardCharsets.US_ASCII)));
        // The SHA-256 of "abc" from FIPS 180-2, appendix B.1.
        assertTrue(Files.readString(file).contains(
                "sha256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"), Files.readString(file));
    }

    @Test
    void missingRecordReadsAsNull() throws IOException {
        assertNull(ValidationRecord.read(directory.resolve("absent.validated")));
    }

    @Test
    void otherFileIsRejected() throws IOException {
        Path file = directory.resolve("manifest.yaml.validated");
        Files.writeString(file, "version: 1\n");
        ValidationRecord.InvalidRecordException e =
                assertThrows(ValidationRecord.InvalidRecordException.class, () -> ValidationRecord.read(file));
        assertTrue(e.getMessage().contains("is not a validation record"), e.getMessage());
    }

    @Test
    void unexpectedLineIsRejected() throws IOException {
        Path file = directory.resolve("manifest.yaml.validated");
        ValidationRecord.write(file, List.of(MANIFEST));
        Files.writeString(file, Files.readString(file) + "md5 0123\n");
        ValidationRecord.InvalidRecordException e =
                assertThrows(ValidationRecord.InvalidRecordException.class, () -> ValidationRecord.read(file));
        assertTrue(e.getMessage().contains(":4: unexpected line in a validation record: md5 0123"), e.getMessage());
    }

    @Test
    void recordFileSitsBesideManifest() {
        assertEquals(Path.of("/etc/manifest-init/manifest.yaml.validated"),
                ValidationRecord.recordFileOf(Path.of("/etc/manifest-init/manifest.yaml")));
    }
}
