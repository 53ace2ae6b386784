package dev.manifestinit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void validManifestExitsZero() {
        assertEquals(0, run("--validate", "manifests/rainier.yaml"));
        assertEquals("", output());
    }

    @Test
    void syntaxErrorExitsOneWithPosition() throws IOException {
        Path file = directory.resolve("broken.yaml");
        Files.writeString(file, "version: 1\ndisk: {device: /dev/vda\n");
        assertEquals(1, run("--validate", file.toString()));
        assertTrue(output().startsWith(file + ":3:1: error at $: YAML syntax error"), output());
        assertFalse(output().contains("Exception"), output());
        assertFalse(errors().contains("\tat "), errors());
    }

    @Test
    void invalidAndValidTogetherExitOne() throws IOException {
        Path file = directory.resolve("bad.yaml");
        Files.createDirectories(directory.resolve("common"));
        Files.copy(Path.of("manifests/common/emmc-bmc.yaml"), directory.resolve("common/emmc-bmc.yaml"));
        Files.writeString(file, Files.readString(Path.of("manifests/rainier.yaml"))
                .replace("default: rofs-a", "default: hostfw"));
        assertEquals(1, run("--validate", "manifests/rainier.yaml", file.toString()));
        assertTrue(output().contains(file + ":19:12: error at $.root.default: default hostfw is not one of the root labels"),
                output());
    }

    @Test
    void missingFileExitsTwo() {
        assertEquals(2, run("--validate", directory.resolve("absent.yaml").toString()));
        assertTrue(errors().contains("absent.yaml: cannot read: no such file"), errors());
    }

    @Test
    void unknownOptionExitsTwo() {
        assertEquals(2, run("--frobnicate"));
        assertTrue(errors().contains("unknown option --frobnicate"), errors());
    }

    @Test
    void validateWithoutFilesExitsTwo() {
        assertEquals(2, run("--validate"));
    }

    @Test
    void planNamesChosenSide() {
        assertEquals(0, run("--plan", "--manifest", "manifests/rainier.yaml", "--cmdline",
                "console=ttyS4 root=PARTLABEL=rofs-b"));
        assertTrue(output().contains("MountFilesystem PARTLABEL=rofs-b on /newroot (type ext4, options ro)"), output());
        assertTrue(output().contains(
                "CheckFilesystem PARTLABEL=rwfs (fsck.ext4 -p <device>; onRebootRequired (2): continue,"), output());
        assertTrue(output().contains("RepairBackupGpt /dev/mmcblk0"), output());
        assertTrue(output().contains("SwitchRoot to /newroot"), output());
    }

    @Test
    void planRejectsUnknownLabel() {
        assertEquals(1, run("--plan", "--manifest", "manifests/rainier.yaml", "--cmdline", "root=PARTLABEL=hostfw"));
        assertTrue(errors().contains("root=PARTLABEL=hostfw names hostfw, which is not one of the root labels"),
                errors());
    }

    @Test
    void bootOutsidePidOneChangesNothing() {
        assertEquals(1, run("--manifest", "manifests/rainier.yaml", "--cmdline", "root=PARTLABEL=rofs-a"));
        assertTrue(errors().contains("must run as PID 1"), errors());
        assertTrue(errors().contains("nothing was changed"), errors());
    }

    @Test
    void helpListsOptions() {
        assertEquals(0, run("--help"));
        assertTrue(output().contains("--validate FILE..."), output());
    }
}
