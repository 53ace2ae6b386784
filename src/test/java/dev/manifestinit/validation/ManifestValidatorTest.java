package dev.manifestinit.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.manifest.ManifestLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestValidatorTest {
    /** A valid manifest; each bad case changes one part of it. Line numbers below refer to this text. */
    static final String BASE = """
            version: 1
            machine: test-bmc
            apiFilesystems:
              - type: proc
                mountpoint: /proc
              - type: tmpfs
                mountpoint: /run
                options: [nodev, mode=755]
            disk:
              device: /dev/mmcblk0
              wait: 5s
              partitions: [rofs-a, rofs-b, rwfs]
            root:
              labels: [rofs-a, rofs-b]
              default: rofs-a
              type: ext4
              options: [ro]
              mountpoint: /newroot
            mounts:
              - label: rwfs
                mountpoint: /var
                type: ext4
                options: [rw]
                fsck:
                  mode: preen
                  onRebootRequired: continue
                  onUncorrected: emergency
                  onFailure: emergency
            directories:
              - /var/persist/home
            overlays:
              - mountpoint: /etc
                lower: /etc
                upper: /var/persist/etc
                work: /var/persist/etc-work
            init:
              path: /sbin/init
            """;

    static Stream<Arguments> badManifests() {
        return Stream.of(
                bad("wait: 5s", "wait: five", "$.disk.wait", 11, "expected a duration such as 5s or 500ms"),
                bad("wait: 5s", "wait: 0s", "$.disk.wait", 11, "longer than 0"),
                bad("  default: rofs-a", "  default: rwfs", "$.root.default", 15, "not one of the root labels"),
                bad("    mountpoint: /var", "    mountpiont: /var", "$.mounts[0].mountpiont", 21,
                        "did you mean 'mountpoint'?"),
                bad("    mountpoint: /var", "    mountpoint: var", "$.mounts[0].mountpoint", 21,
                        "absolute path"),
                bad("    mountpoint: /var", "    mountpoint: /var/../etc", "$.mounts[0].mountpoint", 21, ".."),
                bad("      mode: preen", "      mode: always", "$.mounts[0].fsck.mode", 25,
                        "expected one of skip, preen, force"),
                bad("    fsck:\n      mode: preen", "    fsck: preen\n    xfsck:\n      mode: preen", "$.mounts[0].fsck", 24,
                        "expected a mapping with the keys mode, onRebootRequired, onUncorrected, onFailure"),
                bad("      onUncorrected: emergency\n", "", "$.mounts[0].fsck", 25,
                        "fsck mode preen can end with errors left uncorrected, so onUncorrected is required"),
                bad("      onFailure: emergency", "      onFailure: restart", "$.mounts[0].fsck.onFailure", 28,
                        "expected one of continue, readOnly, emergency, reboot, reformat"),
                bad("      onUncorrected: emergency", "      onUncorrected: reformat", "$.mounts[0].fsck.onUncorrected", 27,
                        "reformat formats rwfs, so $.disk.formattable must list rwfs"),
                bad("      onUncorrected: emergency", "      onUncorrected: readOnly", "$.mounts[0].fsck.onUncorrected", 27,
                        "readOnly leaves /var read-only, but the boot writes to it: $.directories[0] /var/persist/home"),
                bad("      mode: preen", "      mode: skip", "$.mounts[0].fsck.onRebootRequired", 26,
                        "onRebootRequired has no effect with fsck mode skip"),
                bad("    type: ext4\n    options: [rw]", "    type: vfat\n    options: [rw]", "$.mounts[0].fsck.mode", 25,
                        "fsck preen is supported for ext2, ext3 and ext4, not vfat"),
                bad("  wait: 5s", "  wait: 5s\n  gpt: fix", "$.disk.gpt", 12, "expected one of check, repair"),
                bad("  wait: 5s", "  wait: 5s\n  formattable: [data]", "$.disk.formattable[0]", 12,
                        "label data is not declared in $.disk.partitions"),
                bad("  wait: 5s", "  wait: 5s\n  formattable: [rofs-b]", "$.disk.formattable[0]", 12,
                        "label rofs-b is a root side, which must never be formatted by the init"),
                bad("  wait: 5s", "  wait: 5s\n  formattable: [rwfs, rwfs]", "$.disk.formattable[1]", 12,
                        "label rwfs is listed twice"),
                bad("    type: ext4\n    options: [rw]", "    type: etx4\n    options: [rw]", "$.mounts[0].type", 22,
                        "did you mean 'ext4'?"),
                bad("  - label: rwfs", "  - label: data", "$.mounts[0].label", 20, "not declared in $.disk.partitions"),
                bad("  - label: rwfs", "  - label: rofs-b", "$.mounts[0].label", 20, "root side"),
                bad("version: 1", "version: 2", "$.version", 1, "version must be 1"),
                bad("version: 1\n", "", "$.version", 1, "version is required"),
                bad("init:\n  path: /sbin/init\n", "", "$.init", 1, "init is required"),
                bad("  path: /sbin/init", "  path:", "$.init.path", 37, "path is required"),
                bad("    work: /var/persist/etc-work", "    work: /var/persist/etc/work", "$.overlays[0].work", 35,
                        "must not lie inside each other"),
                bad("    work: /var/persist/etc-work", "    work: /var/persist/etc", "$.overlays[0].work", 35,
                        "different directories"),
                bad("    work: /var/persist/etc-work", "    work: /work", "$.overlays[0].work", 35,
                        "same filesystem as upper"),
                bad("    upper: /var/persist/etc", "    upper: /etc/upper", "$.overlays[0].upper", 34, "read-only root"),
                bad("  - /var/persist/home", "  - /home", "$.directories[0]", 30, "read-only root"),
                bad("  partitions: [rofs-a, rofs-b, rwfs]", "  partitions: [rofs-a, rofs-b, rwfs, rwfs]",
                        "$.disk.partitions[3]", 12, "listed twice"),
                bad("  partitions: [rofs-a, rofs-b, rwfs]", "  partitions: [rofs-a, rofs-b, rwfs, a/b]",
                        "$.disk.partitions[3]", 12, "must not contain /"),
                bad("  partitions: [rofs-a, rofs-b, rwfs]",
                        "  partitions: [rofs-a, rofs-b, rwfs, abcdefghijabcdefghijabcdefghijabcdefg]",
                        "$.disk.partitions[3]", 12, "at most 36"),
                bad("machine: test-bmc", "machine: test-bmc\nmachine: other", "$.machine", 3, "duplicate key"),
                bad("  mountpoint: /newroot", "  mountpoint: /", "$.root.mountpoint", 18, "not on /"),
                bad("  type: ext4\n  options: [ro]", "  type: tmpfs\n  options: [ro]", "$.root.type", 16,
                        "disk filesystem"),
                bad("    options: [nodev, mode=755]", "    options: [nodev, \"mode=755,size=1M\"]",
                        "$.apiFilesystems[1].options", 8, "comma"),
                bad("    options: [rw]", "    options: [rw, ro]", "$.mounts[0].options", 23, "both set and clear"),
                bad("  - type: proc", "  - type: ext4", "$.apiFilesystems[0].type", 4, "devtmpfs, sysfs, proc or tmpfs"),
                bad("disk:\n  device", "disk: /dev/mmcblk0\nxdisk:\n  device", "$.disk", 9, "expected a mapping"),
                bad("machine: test-bmc", "machine: [a, b]", "$.machine", 2, "expected a single value"));
    }

    private static Arguments bad(String original, String replacement, String path, int line, String message) {
        if (!BASE.contains(original)) {
            throw new IllegalArgumentException("the base manifest has no '" + original + "'");
        }
        return Arguments.of(BASE.replace(original, replacement), path, line, message);
    }

    @ParameterizedTest
    @MethodSource("badManifests")
    void badManifestReported(String text, String path, int line, String message) {
        Report report = validate(text);
        assertTrue(report.hasErrors(), "no error for " + path);
        Finding finding = report.findings().stream()
                .filter(candidate -> candidate.path().equals(path))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no finding at " + path + " in " + report.findings()));
        assertEquals(Severity.ERROR, finding.severity());
        assertEquals(line, finding.line(), finding.format());
        assertTrue(finding.message().contains(message), finding.format());
        assertEquals("test.yaml", finding.file());
    }

    @Test
    void baseManifestIsValid() {
        assertEquals(List.of(), validate(BASE).findings());
    }

    @Test
    void everyErrorReportedAtOnce() {
        String text = BASE.replace("wait: 5s", "wait: five")
                .replace("      mode: preen", "      mode: always")
                .replace("  default: rofs-a", "  default: rwfs");
        List<String> paths = validate(text).findings().stream().map(Finding::path).toList();
        assertEquals(List.of("$.disk.wait", "$.root.default", "$.mounts[0].fsck.mode"), paths);
    }

    @Test
    void continueOnFsckFailureWarned() {
        Report report = validate(BASE.replace("      onFailure: emergency", "      onFailure: continue"));

        assertFalse(report.hasErrors(), report.findings().toString());
        Finding finding = report.findings().get(0);
        assertEquals(Severity.WARNING, finding.severity());
        assertEquals("$.mounts[0].fsck.onFailure", finding.path());
        assertEquals(28, finding.line());
        assertTrue(finding.message().contains("unchecked when fsck fails"), finding.format());
    }

    @Test
    void reformatAllowedForFormattablePartition() {
        String text = BASE.replace("  wait: 5s", "  wait: 5s\n  formattable: [rwfs]\n  gpt: repair")
                .replace("      onUncorrected: emergency", "      onUncorrected: reformat")
                .replace("      onFailure: emergency", "      onFailure: reformat");

        assertEquals(List.of(), validate(text).findings());
    }

    @Test
    void syntaxErrorHasPosition() {
        Report report = validate("version: 1\ndisk: [unclosed\n");
        assertEquals(1, report.findings().size());
        Finding finding = report.findings().get(0);
        assertTrue(finding.message().startsWith("YAML syntax error"), finding.format());
        assertEquals(3, finding.line(), finding.format());
    }

    @Test
    void tabIndentationNamed() {
        Report report = validate("version: 1\ndisk:\n\tdevice: /dev/vda\n");
        Finding finding = report.findings().get(0);
        assertEquals(3, finding.line());
        assertTrue(finding.message().contains("tab"), finding.format());
    }

    @Test
    void listInsteadOfMappingNamed() {
        Finding finding = validate("- version: 1\n").findings().get(0);
        assertTrue(finding.message().contains("must be a mapping"), finding.format());
    }

    @Test
    void emptyFileNamed() {
        Finding finding = validate("\n").findings().get(0);
        assertTrue(finding.message().contains("empty"), finding.format());
    }

    @Test
    void aliasBombRejected() {
        StringBuilder text = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char name = 'b'; name <= 'z'; name++) {
            char previous = (char) (name - 1);
            text.append(name).append(": &").append(name).append(" [*").append(previous).append(", *")
                    .append(previous).append(", *").append(previous).append("]\n");
        }
        Report report = validate(text.toString());
        assertTrue(report.hasErrors());
        assertFalse(report.findings().get(0).message().isEmpty());
    }

    @Test
    void globalTagNeverConstructed() {
        Report report = validate(BASE.replace("machine: test-bmc", "machine: !!java.io.File [/etc]"));
        assertTrue(report.hasErrors());
    }

    private static Report validate(String text) {
        return new ManifestValidator().validate(
                new ManifestLoader().parse(text.getBytes(StandardCharsets.UTF_8), "test.yaml"));
    }
}
