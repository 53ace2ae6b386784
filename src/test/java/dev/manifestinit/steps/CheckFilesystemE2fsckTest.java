package dev.manifestinit.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.exec.ProcessToolRunner;
import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.manifest.FsckAction;
import dev.manifestinit.manifest.FsckMode;
import dev.manifestinit.manifest.FsckPolicy;
import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.os.LinuxKernel;
import dev.manifestinit.testing.ExternalCommand;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs CheckFilesystem with the real e2fsck and mke2fs of the host on an ext4 image file that
 * debugfs corrupts on purpose. Rootless: the image file stands for the partition, and debugfs
 * reads the files back for their checksums.
 *
 * <p>The image is a 16 MiB ext4 made by {@code mkfs.ext4 -d} from a tree with /keep/a, /keep/b and
 * /keep/sub/c (random bytes, 20 to 60 KiB) and /victim/v. Corruptions are written only to /victim
 * or the root inode, and are marked as needing a check (superblock state 0), since e2fsck -p skips
 * a filesystem marked clean.
 */
class CheckFilesystemE2fsckTest {
    private static final PartitionLabel RWFS = new PartitionLabel("rwfs");
    private static final FsckPolicy EMERGENCY = new FsckPolicy(FsckMode.PREEN, FsckAction.CONTINUE,
            FsckAction.EMERGENCY, FsckAction.EMERGENCY);
    private static final FsckPolicy REFORMAT = new FsckPolicy(FsckMode.PREEN, FsckAction.CONTINUE,
            FsckAction.REFORMAT, FsckAction.REFORMAT);

    @TempDir
    Path directory;

    private Path image;
    private Map<String, String> keptChecksums;

    @BeforeEach
    void makeImage() throws IOException {
        Path tree = directory.resolve("tree");
        Random random = new Random(42);
        for (String file : List.of("keep/a", "keep/b", "keep/sub/c")) {
            byte[] bytes = new byte[20 * 1024 + random.nextInt(40 * 1024)];
            random.nextBytes(bytes);
            Files.createDirectories(tree.resolve(file).getParent());
            Files.write(tree.resolve(file), bytes);
        }
        Files.createDirectories(tree.resolve("victim"));
        Files.writeString(tree.resolve("victim/v"), "about to be cleared\n");
        keptChecksums = checksums(tree.resolve("keep"));

        image = directory.resolve("rwfs.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(16L * 1024 * 1024);
        }
        ExternalCommand.run("mkfs.ext4", "-q", "-F", "-d", tree.toString(), image.toString());
    }

    @Test
    void cleanFilesystemPasses() throws Exception {
        Outcome outcome = check(EMERGENCY);

        assertTrue(outcome.detail().contains("exited with status 0 (clean)"), outcome.detail());
        assertEquals(keptChecksums, keptFiles());
    }

    @Test
    void repairableCorruptionKeepsOtherFiles() throws Exception {
        debugfs("clri /victim/v");
        debugfs("ssv state 0");

        Outcome outcome = check(EMERGENCY);

        assertTrue(outcome.detail().contains("exited with status 1 (errors corrected)"), outcome.detail());
        assertTrue(outcome.detail().contains("deleted/unused inode"), outcome.detail());
        assertEquals(keptChecksums, keptFiles());
        ExternalCommand.run("e2fsck", "-f", "-n", image.toString());
    }

    @Test
    void uncorrectableCorruptionFailsWithEmergency() throws Exception {
        debugfs("clri <2>");
        debugfs("ssv state 0");

        StepFailure failure = assertThrows(StepFailure.class, () -> check(EMERGENCY));

        assertTrue(failure.getMessage().contains("exited with status 4 (errors left uncorrected)"), failure.getMessage());
        assertTrue(failure.getMessage().contains("RUN fsck MANUALLY"), failure.getMessage());
        assertTrue(failure.getMessage().contains("onUncorrected is emergency"), failure.getMessage());
        assertEquals(FailureAction.EMERGENCY, failure.action());
    }

    @Test
    void uncorrectableCorruptionReformatted() throws Exception {
        debugfs("clri <2>");
        debugfs("ssv state 0");

        Outcome outcome = check(REFORMAT);

        assertTrue(outcome.detail().contains("onUncorrected is reformat"), outcome.detail());
        ExternalCommand.run("e2fsck", "-f", "-n", image.toString());
        String listing = ExternalCommand.run("debugfs", "-R", "ls -p /", image.toString());
        assertTrue(listing.contains("/lost+found/"), listing);
        assertFalse(listing.contains("/keep/"), listing);
    }

    @Test
    void destroyedSuperblockIsFailure() throws Exception {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            // The primary superblock: 1024 bytes at offset 1024.
            file.seek(1024);
            file.write(new byte[1024]);
        }

        StepFailure failure = assertThrows(StepFailure.class, () -> check(EMERGENCY));

        assertTrue(failure.getMessage().contains("exited with status 8 (operational error)"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Bad magic number in super-block"), failure.getMessage());
        assertTrue(failure.getMessage().contains("onFailure is emergency"), failure.getMessage());
    }

    private Outcome check(FsckPolicy policy) throws StepFailure {
        StepContext context = new StepContext(new LinuxKernel(), null, new ProcessToolRunner());
        context.recordPartitions(Map.of(RWFS, image.toString()));
        return new CheckFilesystem(RWFS, FilesystemType.EXT4, policy).apply(context);
    }

    private void debugfs(String request) throws IOException {
        ExternalCommand.run("debugfs", "-w", "-R", request, image.toString());
    }

    /** Copies /keep out of the image with debugfs and returns its files' checksums. */
    private Map<String, String> keptFiles() throws IOException {
        Path out = Files.createDirectories(directory.resolve("dump-" + System.nanoTime()));
        ExternalCommand.run("debugfs", "-R", "rdump /keep " + out, image.toString());
        return checksums(out.resolve("keep"));
    }

    private static Map<String, String> checksums(Path root) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                sums.put(root.relativize(file).toString(), sha256(file));
            }
        }
        return sums;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
