package dev.manifestinit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.ExternalCommand;
import dev.manifestinit.testing.NeedsRoot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots the sandbox from disks in states a BMC meets in the field: written to a larger eMMC, or
 * with a damaged rwfs. Each boot must end as manifests/rainier.yaml (or an edit of it) declares,
 * and the rwfs files that nothing damaged must have the same checksums afterwards, except where
 * the manifest reformats rwfs.
 *
 * <p>Disk layout: {@link SandboxImages#rainier}, with /data/a, /data/b and /data/sub/c (random
 * bytes) and /victim/v on rwfs. Damage is done with debugfs on the rwfs inside the image and
 * marked as needing a check (superblock state 0), since e2fsck -p skips a clean filesystem.
 */
@NeedsRoot
@EnabledIf(value = "dev.manifestinit.sandbox.SandboxBoot#productCliBuilt",
        disabledReason = "the product's entry point " + SandboxBoot.MAIN_CLASS + " is not built yet")
class DiskStateBootTest {
    private static final Pattern STACK_TRACE = Pattern.compile("Exception|\\sat dev\\.manifestinit\\.");

    @TempDir
    Path directory;

    private Path image;
    private Map<String, String> dataBefore;

    @BeforeEach
    void buildImage() throws IOException {
        Path rwfs = directory.resolve("rwfs");
        Random random = new Random(7);
        for (String file : List.of("data/a", "data/b", "data/sub/c")) {
            byte[] bytes = new byte[16 * 1024 + random.nextInt(48 * 1024)];
            random.nextBytes(bytes);
            Files.createDirectories(rwfs.resolve(file).getParent());
            Files.write(rwfs.resolve(file), bytes);
        }
        Files.createDirectories(rwfs.resolve("victim"));
        Files.writeString(rwfs.resolve("victim/v"), "about to be cleared\n");
        dataBefore = SandboxImages.checksums(rwfs.resolve("data"));
        image = SandboxImages.rainier(directory.resolve("disk.img"), rwfs);
    }

    @Test
    void grownImageRepairedAtBoot() throws Exception {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(160L * 1024 * 1024);
        }

        BootResult boot = SandboxBoot.boot("disk-grown-image", "--image", image.toString());

        assertEquals(0, boot.exitCode(), () -> boot.withLog("the boot failed"));
        assertTrue(finishedLine(boot, "RepairBackupGpt").contains("wrote backup entry array"),
                () -> boot.withLog("RepairBackupGpt wrote nothing"));
        String verification = ExternalCommand.run("sgdisk", "--verify", image.toString());
        assertTrue(verification.contains("No problems found"), verification);
        assertEquals(dataBefore, SandboxImages.rwfsChecksums(image, "/data", directory));
    }

    @Test
    void correctImageLeftAlone() throws Exception {
        BootResult boot = SandboxBoot.boot("disk-gpt-correct", "--image", image.toString());

        assertEquals(0, boot.exitCode(), () -> boot.withLog("the boot failed"));
        assertTrue(Pattern.compile("\\[skipped\\] \\d+/\\d+ RepairBackupGpt in \\d+ ms: the backup GPT header at LBA 196607")
                .matcher(boot.initOutput()).find(), () -> boot.withLog("RepairBackupGpt did not skip"));
        assertEquals(dataBefore, SandboxImages.rwfsChecksums(image, "/data", directory));
    }

    @Test
    void repairableRwfsBootsWithDataKept() throws Exception {
        SandboxImages.debugfsWrite(image, "clri /victim/v");
        SandboxImages.debugfsWrite(image, "ssv state 0");

        BootResult boot = SandboxBoot.boot("disk-rwfs-repairable", "--image", image.toString());

        assertEquals(0, boot.exitCode(), () -> boot.withLog("the boot failed"));
        assertTrue(finishedLine(boot, "CheckFilesystem").contains("exited with status 1 (errors corrected)"),
                () -> boot.withLog("fsck did not report corrected errors"));
        assertEquals(dataBefore, SandboxImages.rwfsChecksums(image, "/data", directory));
        ExternalCommand.run("e2fsck", "-f", "-n", SandboxImages.rwfs(image));
    }

    @Test
    void uncorrectableRwfsStopsBoot() throws Exception {
        SandboxImages.debugfsWrite(image, "clri <2>");
        SandboxImages.debugfsWrite(image, "ssv state 0");
        String uuidBefore = SandboxImages.rwfsUuid(image);

        BootResult boot = SandboxBoot.boot("disk-rwfs-uncorrectable", "--without-shell", "--image", image.toString());

        assertNotEquals(0, boot.exitCode(), () -> boot.withLog("the boot passed"));
        assertFalse(boot.markerPrinted(), () -> boot.withLog("the target init ran"));
        assertTrue(Pattern.compile("boot failed at step \\d+/\\d+ CheckFilesystem").matcher(boot.initOutput()).find(),
                () -> boot.withLog("the failed step is not named"));
        assertTrue(boot.initOutput().contains("exited with status 4 (errors left uncorrected)"),
                () -> boot.withLog("fsck's exit status is not named"));
        assertTrue(boot.initOutput().contains("onUncorrected is emergency"),
                () -> boot.withLog("the manifest's action is not named"));
        assertFalse(STACK_TRACE.matcher(boot.log()).find(), () -> boot.withLog("the output has a stack trace"));
        // The factory reset steps name mkfs in their [started] lines and skip without a request.
        assertFalse(boot.initOutput().lines().anyMatch(line -> line.contains("mkfs") && !line.contains("[started]")
                && !line.contains("[skipped]")), () -> boot.withLog("mkfs ran"));
        assertEquals(uuidBefore, SandboxImages.rwfsUuid(image), "mkfs would have given rwfs a new UUID");
    }

    @Test
    void uncorrectableRwfsReformattedWhereAllowed() throws Exception {
        SandboxImages.debugfsWrite(image, "clri <2>");
        SandboxImages.debugfsWrite(image, "ssv state 0");
        Path manifest = SandboxBoot.editedManifest("reformat-rwfs", "  gpt: repair\n",
                "  gpt: repair\n  formattable: [rwfs]\n");
        String text = Files.readString(manifest);
        assertTrue(text.contains("      onUncorrected: emergency"), text);
        Files.writeString(manifest, text.replace("      onUncorrected: emergency", "      onUncorrected: reformat"));

        BootResult boot = SandboxBoot.boot("disk-rwfs-reformat", "--image", image.toString(),
                "--manifest", manifest.toString());

        assertEquals(0, boot.exitCode(), () -> boot.withLog("the boot failed"));
        assertTrue(finishedLine(boot, "CheckFilesystem").contains("made an empty ext4 filesystem"),
                () -> boot.withLog("rwfs was not reformatted"));
        assertEquals(Map.of(), SandboxImages.rwfsChecksums(image, "/data", directory));
        ExternalCommand.run("e2fsck", "-f", "-n", SandboxImages.rwfs(image));
    }

    /** Returns the init's [finished] line of the step {@code name}, or an empty string. */
    private static String finishedLine(BootResult boot, String name) {
        return boot.initOutput().lines()
                .filter(line -> line.contains("[finished] ") && line.contains(" " + name + " in "))
                .findFirst()
                .orElse("");
    }
}
