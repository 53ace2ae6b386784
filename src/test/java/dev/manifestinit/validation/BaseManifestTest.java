package dev.manifestinit.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.manifest.LoadedManifest;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.ManifestLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifests that extend a base: the merge, and findings that name the file where a value was written. */
class BaseManifestTest {
    /** A base with everything but the machine's own parts. Line numbers below refer to this text. */
    static final String BASE = """
            version: 1
            apiFilesystems:
              - type: proc
                mountpoint: /proc
            disk:
              device: /dev/mmcblk0
              wait: 5s
            root:
              type: ext4
              options: [ro]
              mountpoint: /newroot
            init:
              path: /sbin/init
            """;

    /** A machine on that base. */
    static final String MACHINE = """
            extends: common/base.yaml
            machine: test-bmc
            disk:
              partitions: [rofs-a, rofs-b, rwfs]
            root:
              labels: [rofs-a, rofs-b]
              default: rofs-a
            mounts:
              - label: rwfs
                mountpoint: /var
                type: ext4
                options: [rw]
            """;

    @TempDir
    Path directory;

    private Path write(String name, String text) throws IOException {
        Path file = directory.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private Report validate(Path file) throws IOException {
        return new ManifestValidator().validate(file, file.toString());
    }

    private static Finding only(Report report, String path) {
        List<Finding> matching = report.findings().stream().filter(finding -> finding.path().equals(path)).toList();
        assertEquals(1, matching.size(), report.findings().toString());
        return matching.get(0);
    }

    @Test
    void machineMergesOntoBase() throws IOException {
        write("common/base.yaml", BASE);
        Report report = validate(write("machine.yaml", MACHINE));

        assertEquals(List.of(), report.findings());
        Manifest manifest = report.loaded().manifest();
        assertEquals("/dev/mmcblk0", manifest.disk().device().value());
        assertEquals(java.time.Duration.ofSeconds(5), manifest.disk().timeout());
        assertEquals(3, manifest.disk().partitions().size());
        assertEquals("rofs-a", manifest.root().defaultLabel().value());
        assertTrue(manifest.root().options().readOnly());
        assertEquals(List.of(directory.resolve("machine.yaml").toString(),
                directory.resolve("common/base.yaml").toString()), report.loaded().sources());
    }

    @Test
    void machineValueWins() throws IOException {
        write("common/base.yaml", BASE);
        Report report = validate(write("machine.yaml", MACHINE.replace("disk:\n", "disk:\n  wait: 9s\n")));

        assertEquals(List.of(), report.findings());
        assertEquals(java.time.Duration.ofSeconds(9), report.loaded().manifest().disk().timeout());
    }

    @Test
    void listsReplacedWhole() throws IOException {
        write("common/base.yaml", BASE.replace("init:\n  path: /sbin/init\n",
                "init:\n  path: /sbin/init\n  arguments: [--one, --two]\n"));
        Report report = validate(write("machine.yaml", MACHINE + "init:\n  arguments: [--three]\n"));

        assertEquals(List.of(), report.findings());
        assertEquals(List.of("--three"), report.loaded().manifest().init().arguments());
        assertEquals("/sbin/init", report.loaded().manifest().init().path().value());
    }

    @Test
    void baseValueFindingNamesBase() throws IOException {
        Path base = write("common/base.yaml", BASE.replace("wait: 5s", "wait: five"));
        Report report = validate(write("machine.yaml", MACHINE));

        Finding finding = only(report, "$.disk.wait");
        assertEquals(base.toString(), finding.file());
        assertEquals(7, finding.line());
        assertEquals(9, finding.column());
        assertTrue(finding.message().contains("expected a duration"), finding.format());
    }

    @Test
    void ruleFindingNamesWritingFile() throws IOException {
        Path base = write("common/base.yaml", BASE.replace("  mountpoint: /newroot", "  mountpoint: /proc/root"));
        Path machine = write("machine.yaml", MACHINE.replace("  default: rofs-a", "  default: rwfs"));
        Report report = validate(machine);

        Finding inBase = only(report, "$.root.mountpoint");
        assertEquals(base.toString(), inBase.file());
        assertEquals(11, inBase.line());
        Finding inMachine = only(report, "$.root.default");
        assertEquals(machine.toString(), inMachine.file());
        assertEquals(7, inMachine.line());
        assertTrue(inMachine.message().contains("not one of the root labels"), inMachine.format());
    }

    @Test
    void unknownKeyInBaseNamesBase() throws IOException {
        Path base = write("common/base.yaml", BASE.replace("  wait: 5s", "  wiat: 5s"));
        Report report = validate(write("machine.yaml", MACHINE));

        Finding finding = only(report, "$.disk.wiat");
        assertEquals(base.toString(), finding.file());
        assertEquals(7, finding.line());
        assertTrue(finding.message().contains("did you mean 'wait'?"), finding.format());
    }

    @Test
    void missingKeyReportedAtMachine() throws IOException {
        write("common/base.yaml", BASE.replace("init:\n  path: /sbin/init\n", ""));
        Path machine = write("machine.yaml", MACHINE);
        Finding finding = only(validate(machine), "$.init");

        assertEquals(machine.toString(), finding.file());
        assertTrue(finding.message().contains("init is required"), finding.format());
    }

    @Test
    void chainOfBasesMerges() throws IOException {
        write("common/root.yaml", "version: 1\ninit:\n  path: /sbin/init\n");
        write("common/base.yaml", "extends: root.yaml\n" + BASE.replace("version: 1\n", "")
                .replace("init:\n  path: /sbin/init\n", ""));
        Report report = validate(write("machine.yaml", MACHINE));

        assertEquals(List.of(), report.findings());
        assertEquals(3, report.loaded().sources().size());
    }

    @Test
    void missingBaseNamed() throws IOException {
        Path machine = write("machine.yaml", MACHINE);
        Finding finding = only(validate(machine), "$.extends");

        assertEquals(Severity.ERROR, finding.severity());
        assertEquals(machine.toString(), finding.file());
        assertEquals(1, finding.line());
        assertEquals(10, finding.column());
        assertTrue(finding.message().contains("common/base.yaml: cannot read: no such file"), finding.format());
    }

    @Test
    void cycleRejected() throws IOException {
        write("common/base.yaml", "extends: ../machine.yaml\n" + BASE);
        Report report = validate(write("machine.yaml", MACHINE));

        assertTrue(report.hasErrors());
        assertNull(report.loaded().manifest());
        assertTrue(report.findings().get(0).message().contains("forms a cycle"), report.findings().toString());
    }

    @Test
    void selfExtensionRejected() throws IOException {
        Report report = validate(write("machine.yaml", MACHINE.replace("common/base.yaml", "machine.yaml")));

        assertTrue(only(report, "$.extends").message().contains("forms a cycle"), report.findings().toString());
    }

    @Test
    void absoluteBaseRejected() throws IOException {
        Path base = write("common/base.yaml", BASE);
        Report report = validate(write("machine.yaml", MACHINE.replace("common/base.yaml", base.toString())));

        assertTrue(only(report, "$.extends").message().contains("must be a path relative to this file"),
                report.findings().toString());
    }

    @Test
    void nonStringBaseRejected() throws IOException {
        Report report = validate(write("machine.yaml", MACHINE.replace("extends: common/base.yaml",
                "extends: [common/base.yaml]")));

        assertTrue(only(report, "$.extends").message().contains("must name a base manifest file"),
                report.findings().toString());
    }

    @Test
    void baseSyntaxErrorNamesBase() throws IOException {
        Path base = write("common/base.yaml", BASE.replace("options: [ro]", "options: [ro"));
        Report report = validate(write("machine.yaml", MACHINE));

        assertTrue(report.hasErrors());
        Finding finding = report.findings().get(0);
        assertEquals(base.toString(), finding.file());
        assertTrue(finding.message().startsWith("YAML syntax error"), finding.format());
    }

    @Test
    void extendsOnlyAtTopLevel() throws IOException {
        write("common/base.yaml", BASE);
        Report report = validate(write("machine.yaml", MACHINE.replace("disk:\n", "disk:\n  extends: x.yaml\n")));

        assertTrue(only(report, "$.disk.extends").message().contains("unknown key 'extends'"),
                report.findings().toString());
    }

    @Test
    void duplicateKeyInMachineReported() throws IOException {
        write("common/base.yaml", BASE);
        Report report = validate(write("machine.yaml", MACHINE + "machine: other\n"));

        Finding finding = only(report, "$.machine");
        assertEquals(13, finding.line());
        assertTrue(finding.message().contains("duplicate key 'machine'"), finding.format());
    }

    @Test
    void flattenedManifestLoadsTheSame() throws IOException {
        write("common/base.yaml", BASE);
        Report report = validate(write("machine.yaml", MACHINE));
        String flattened = ManifestLoader.write(report.loaded().document());

        LoadedManifest reloaded = new ManifestLoader().parse(flattened.getBytes(StandardCharsets.UTF_8), "flat.yaml");
        assertEquals(List.of(), reloaded.findings());
        assertEquals(report.loaded().manifest(), reloaded.manifest());
        assertFalse(flattened.contains("extends"), flattened);
    }
}
