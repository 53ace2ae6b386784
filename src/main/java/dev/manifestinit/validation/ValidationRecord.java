package dev.manifestinit.validation;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The proof that {@code --validate} found manifests valid: the CRC-32C and size of each manifest's
 * bytes, and the fingerprint of the program that validated them. The image build writes it with
 * {@code --validate FILE --record RECORD} and ships it beside the manifest as
 * {@code MANIFEST.validated}. At boot, a manifest whose bytes and validator match the record skips
 * the bean constraints, because Hibernate Validator's start-up takes hundreds of milliseconds. The
 * loader's checks and the cross-field rules run at every boot. Any other manifest, and every
 * manifest without a record, is validated in full before anything is applied.
 *
 * <p>The file is text:
 *
 * <pre>
 * manifest-init validation record 2
 * validator crc32:3f5a... size:...      (the validating program, see {@link #validatorFingerprint})
 * manifest crc32c:9c1d... size:...      (one line per valid manifest)
 * </pre>
 *
 * <p>The record guards against mistakes, not attacks: anyone who can change the manifest in the
 * initramfs can change the record and the program as well. So a checksum is enough, and CRC-32C
 * needs nothing at boot, while the JDK's first SHA-256 sets up its security providers, which
 * took about 50 ms of a cold JVM here. A changed manifest of the same size matches by chance with
 * a probability of 2<sup>-32</sup>.
 */
public final class ValidationRecord {
    /** The record of {@code MANIFEST} is the file {@code MANIFEST} + this suffix. */
    public static final String SUFFIX = ".validated";

    private static final String HEADER_PREFIX = "manifest-init validation record ";
    private static final String HEADER = HEADER_PREFIX + "2";
    private static final String VALIDATOR = "validator ";
    private static final String MANIFEST = "manifest ";

    private final String validator;
    private final Set<String> manifestChecksums;

    private ValidationRecord(String validator, Set<String> manifestChecksums) {
        this.validator = validator;
        this.manifestChecksums = Set.copyOf(manifestChecksums);
    }

    /** Thrown when a record file exists but cannot be read or is not a record. */
    public static final class InvalidRecordException extends IOException {
        InvalidRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Returns the record file for {@code manifest}: the same path with {@link #SUFFIX} appended. */
    public static Path recordFileOf(Path manifest) {
        return manifest.resolveSibling(manifest.getFileName() + SUFFIX);
    }

    /** Writes a record for manifests that this program has just found valid. */
    public static void write(Path file, Collection<byte[]> validManifests) throws IOException {
        Set<String> checksums = new LinkedHashSet<>();
        for (byte[] manifest : validManifests) {
            checksums.add(checksum(manifest));
        }
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        text.append(VALIDATOR).append(validatorFingerprint()).append('\n');
        for (String checksum : checksums) {
            text.append(MANIFEST).append(checksum).append('\n');
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /**
     * Reads the record at {@code file}; returns null when there is no such file.
     *
     * @throws InvalidRecordException when the file cannot be read or is not a record
     */
    public static ValidationRecord read(Path file) throws InvalidRecordException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (CharacterCodingException e) {
            throw new InvalidRecordException(file + " is not a validation record: it is not UTF-8 text", e);
        } catch (AccessDeniedException e) {
            throw new InvalidRecordException("cannot read the validation record " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new InvalidRecordException("cannot read the validation record " + file + ": " + e.getMessage(), e);
        }
        if (!lines.isEmpty() && !lines.get(0).equals(HEADER) && lines.get(0).startsWith(HEADER_PREFIX)) {
            throw new InvalidRecordException(file + " is a validation record of another format (\"" + lines.get(0)
                    + "\", expected \"" + HEADER + "\"); write it again with --validate --record", null);
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new InvalidRecordException(file + " is not a validation record: the first line is not \""
                    + HEADER + "\"", null);
        }
        String validator = null;
        Set<String> checksums = new LinkedHashSet<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith(VALIDATOR) && validator == null) {
                validator = line.substring(VALIDATOR.length());
            } else if (line.startsWith(MANIFEST)) {
                checksums.add(line.substring(MANIFEST.length()));
            } else if (!line.isEmpty()) {
                throw new InvalidRecordException(file + ":" + (i + 1) + ": unexpected line in a validation record: "
                        + line, null);
            }
        }
        if (validator == null) {
            throw new InvalidRecordException(file + " has no validator line", null);
        }
        return new ValidationRecord(validator, checksums);
    }

    /** Compares {@code manifest} with this record: it matches when this same program checked the same bytes. */
    public Match match(byte[] manifest) throws IOException {
        if (!manifestChecksums.contains(checksum(manifest))) {
            return Match.OTHER_MANIFEST;
        }
        if (!validator.equals(validatorFingerprint())) {
            return Match.OTHER_VALIDATOR;
        }
        return Match.MATCHES;
    }

    /** The result of comparing a manifest with a record. */
    public enum Match {
        MATCHES,
        /** The record contains no checksum of these bytes: the manifest changed or was never validated. */
        OTHER_MANIFEST,
        /** The manifest was validated by another build of this program, whose rules may differ. */
        OTHER_VALIDATOR
    }

    /** Returns the CRC-32C and the size of {@code bytes} as the record writes them. */
    static String checksum(byte[] bytes) {
        CRC32C checksum = new CRC32C();
        checksum.update(bytes);
        return "crc32c:" + Long.toHexString(checksum.getValue()) + " size:" + bytes.length;
    }

    /**
     * Returns the CRC-32 and size of the jar file that contains this class, which change with any class
     * or resource of manifest-init, the constraints and rules included. The jar's entries carry the
     * fixed time of {@code project.build.outputTimestamp}, so a rebuild of the same sources gives the
     * same jar. CRC-32 rather than SHA-256, because the JDK computes it natively and the boot reads
     * the whole jar: SHA-256 of the jar runs in the interpreter at boot and costs tens of
     * milliseconds. It guards against a record of another build, not against a forged one. Run
     * from a classes directory (the tests), it covers the names and contents of the files there
     * instead.
     */
    static String validatorFingerprint() throws IOException {
        CodeSource source = ValidationRecord.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            throw new IOException("cannot locate the code of manifest-init to fingerprint it");
        }
        Path location;
        try {
            location = Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("cannot locate the code of manifest-init at " + source.getLocation(), e);
        }
        CRC32 checksum = new CRC32();
        long size = 0;
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> walk = Files.walk(location)) {
                walk.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        } else {
            files.add(location);
        }
        for (Path file : files) {
            checksum.update(location.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
            byte[] content = Files.readAllBytes(file);
            checksum.update(content);
            size += content.length;
        }
        return "crc32:" + Long.toHexString(checksum.getValue()) + " size:" + size;
    }

}
