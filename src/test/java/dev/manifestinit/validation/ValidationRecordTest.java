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
    void recordHoldsChecksumOfManifest() throws IOException {
        Path file = directory.resolve("manifest.yaml.validated");
        ValidationRecord.write(file, List.of("123456789".getBytes(StandardCharsets.US_ASCII)));
        // The check value of CRC-32C: the CRC of the nine ASCII digits "123456789".
        assertTrue(Files.readString(file).contains("manifest crc32c:e3069283 size:9\n"), Files.readString(file));
    }

    @Test
    void sameSizeOtherBytesDoNotMatch() throws IOException {
        Path file = directory.resolve("manifest.yaml.validated");
        ValidationRecord.write(file, List.of("default: rofs-a\n".getBytes(StandardCharsets.US_ASCII)));
        ValidationRecord record = ValidationRecord.read(file);

        assertEquals(ValidationRecord.Match.OTHER_MANIFEST,
                record.match("default: rofs-b\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void firstVersionRecordIsRejected() throws IOException {
        Path file = directory.resolve("manifest.yaml.validated");
        Files.writeString(file, "manifest-init validation record 1\nvalidator crc32:0 size:1\nsha256 00\n");
        ValidationRecord.InvalidRecordException e =
                assertThrows(ValidationRecord.InvalidRecordException.class, () -> ValidationRecord.read(file));

        assertTrue(e.getMessage().contains("is a validation record of another format"), e.getMessage());
        assertTrue(e.getMessage().contains("write it again with --validate --record"), e.getMessage());
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
    void binaryFileIsRejected() throws IOException {
        Path file = directory.resolve("manifest.yaml.validated");
        Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        ValidationRecord.InvalidRecordException e =
                assertThrows(ValidationRecord.InvalidRecordException.class, () -> ValidationRecord.read(file));
        assertEquals(file + " is not a validation record: it is not UTF-8 text", e.getMessage());
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
