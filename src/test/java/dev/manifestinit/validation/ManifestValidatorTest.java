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
                bad("machine: test-bmc", "machine: [a, b]", "$.machine", 2, "expected a single value"),

                // Labels
                bad("  partitions: [rofs-a, rofs-b, rwfs]", "  partitions: [rofs-a, rofs-b, rwfs, \"\"]",
                        "$.disk.partitions[3]", 12, "must not be empty"),
                bad("  partitions: [rofs-a, rofs-b, rwfs]", "  partitions: [rofs-a, rofs-b, rwfs, \"a\\0b\"]",
                        "$.disk.partitions[3]", 12, "NUL"),
                bad("  partitions: [rofs-a, rofs-b, rwfs]", "  partitions: []", "$.disk.partitions", 12,
                        "partitions must list the GPT labels"),
                warning("  partitions: [rofs-a, rofs-b, rwfs]", "  partitions: [rofs-a, rofs-b, rwfs, données]",
                        "$.disk.partitions[3]", 12, "outside printable ASCII"),
                warning("  partitions: [rofs-a, rofs-b, rwfs]", "  partitions: [rofs-a, rofs-b, rwfs, \"tab\\there\"]",
                        "$.disk.partitions[3]", 12, "low byte of each UTF-16 code unit"),
                bad("  labels: [rofs-a, rofs-b]", "  labels: [rofs-a, rofs-c]", "$.root.labels[1]", 14,
                        "label rofs-c is not declared in $.disk.partitions"),
                bad("  default: rofs-a", "  default: \"\"", "$.root.default", 15, "must not be empty"),

                // Paths
                bad("    mountpoint: /var", "    mountpoint: /var//log", "$.mounts[0].mountpoint", 21, "//"),
                bad("    mountpoint: /var", "    mountpoint: /var/./log", "$.mounts[0].mountpoint", 21,
                        ". or .. components"),
                bad("    mountpoint: /var", "    mountpoint: /var/", "$.mounts[0].mountpoint", 21, "must not end with /"),
                bad("    mountpoint: /var", "    mountpoint: /run", "$.mounts[0].mountpoint", 21,
                        "covered when switch_root moves the API filesystem /run"),
                bad("    mountpoint: /var", "    mountpoint: /run/data", "$.mounts[0].mountpoint", 21,
                        "covered when switch_root moves the API filesystem /run"),
                edits(Severity.WARNING, "$.mounts[1].mountpoint", 30, "expects the kernel's /sys",
                        "  partitions: [rofs-a, rofs-b, rwfs]", "  partitions: [rofs-a, rofs-b, rwfs, logs]",
                        "directories:", "  - label: logs\n    mountpoint: /sys\n    type: ext4\ndirectories:"),
                edits(Severity.WARNING, "$.mounts[1].mountpoint", 30, "is /newroot/newroot/data at boot; write /data",
                        "  partitions: [rofs-a, rofs-b, rwfs]", "  partitions: [rofs-a, rofs-b, rwfs, logs]",
                        "directories:", "  - label: logs\n    mountpoint: /newroot/data\n    type: ext4\ndirectories:"),
                bad("    mountpoint: /proc\n  - type: tmpfs\n    mountpoint: /run",
                        "    mountpoint: /proc\n  - type: tmpfs\n    mountpoint: /proc", "$.apiFilesystems[1].mountpoint", 7,
                        "already used by $.apiFilesystems[0]"),
                edits(Severity.ERROR, "$.mounts[1].mountpoint", 30, "already used by $.mounts[0]",
                        "  partitions: [rofs-a, rofs-b, rwfs]", "  partitions: [rofs-a, rofs-b, rwfs, logs]",
                        "directories:", "  - label: logs\n    mountpoint: /var\n    type: ext4\ndirectories:"),
                edits(Severity.ERROR, "$.mounts[0].mountpoint", 21, "list the outer mount first",
                        "  partitions: [rofs-a, rofs-b, rwfs]", "  partitions: [rofs-a, rofs-b, rwfs, logs]",
                        "    mountpoint: /var", "    mountpoint: /var/log",
                        "directories:", "  - label: logs\n    mountpoint: /var\n    type: ext4\ndirectories:"),
                edits(Severity.ERROR, "$.mounts[1].mountpoint", 30, "inside the overlay on /etc",
                        "  partitions: [rofs-a, rofs-b, rwfs]", "  partitions: [rofs-a, rofs-b, rwfs, cfg]",
                        "directories:", "  - label: cfg\n    mountpoint: /etc/cfg\n    type: ext4\ndirectories:"),

                // Overlays
                bad("  - mountpoint: /etc", "  - mountpoint: /var", "$.overlays[0].mountpoint", 32,
                        "already used by a partition mount"),
                warning("  - mountpoint: /etc", "  - mountpoint: /newroot/etc", "$.overlays[0].mountpoint", 32,
                        "mount points are paths inside the new root"),
                bad("    lower: /etc", "    lower: /var/persist", "$.overlays[0].upper", 34,
                        "must not lie inside lower /var/persist on the same filesystem"),
                bad("    lower: /etc", "    lower: /var/persist", "$.overlays[0].work", 35,
                        "must not lie inside lower /var/persist on the same filesystem"),
                bad("    upper: /var/persist/etc", "    upper: /var/persist/etc-work/upper", "$.overlays[0].work", 35,
                        "must not lie inside each other"),
                bad("    lower: /etc\n", "", "$.overlays[0].lower", 32, "lower is required"),

                // fsck
                bad("    type: ext4\n    options: [rw]", "    type: tmpfs\n    options: [rw]", "$.mounts[0].type", 22,
                        "needs a disk filesystem"),

                // Target init
                bad("  path: /sbin/init", "  path: sbin/init", "$.init.path", 37, "absolute path"),
                bad("  path: /sbin/init", "  path: /", "$.init.path", 37, "not /"),
                bad("  path: /sbin/init", "  path: /sbin/init\n  arguments: [--log-level=debug, 5]",
                        "$.init.arguments[1]", 38, "expected a string, got the number '5'"),
                bad("  path: /sbin/init", "  path: /sbin/init\n  arguments: [--unit, yes]",
                        "$.init.arguments[1]", 38, "expected a string, got the boolean 'yes'"),
                bad("  path: /sbin/init", "  path: /sbin/init\n  arguments: [{unit: rescue}]",
                        "$.init.arguments[0]", 38, "expected a single value"),
                bad("  path: /sbin/init", "  path: /sbin/init\n  arguments: --debug",
                        "$.init.arguments", 38, "expected a list"),

                // Durations and sizes
                bad("wait: 5s", "wait: 5", "$.disk.wait", 11, "expected a duration such as 5s or 500ms, got '5'"),
                bad("wait: 5s", "wait: -5s", "$.disk.wait", 11, "expected a duration"),
                bad("wait: 5s", "wait: 2h", "$.disk.wait", 11, "over the limit of 1 h"),
                warning("wait: 5s", "wait: 10m", "$.disk.wait", 11, "10 minutes or more"),
                warning("wait: 5s", "wait: 50ms", "$.disk.wait", 11, "under 100 ms"),
                bad("    options: [nodev, mode=755]", "    options: [nodev, mode=755, size=1024]",
                        "$.apiFilesystems[1].options", 8, "size=1024 has no unit"),
                bad("    options: [nodev, mode=755]", "    options: [nodev, mode=755, size=lots]",
                        "$.apiFilesystems[1].options", 8, "size=lots is not a size"),
                warning("    options: [nodev, mode=755]", "    options: [nodev, mode=755, size=0]",
                        "$.apiFilesystems[1].options", 8, "removes tmpfs's size limit"),
                warning("    options: [nodev, mode=755]", "    options: [nodev, mode=755, size=150%]",
                        "$.apiFilesystems[1].options", 8, "more than all of the memory"),

                // Keys and types
                bad("machine: test-bmc", "machnie: test-bmc", "$.machnie", 2, "did you mean 'machine'?"),
                bad("machine: test-bmc", "machine: 7", "$.machine", 2, "expected a string"),
                bad("version: 1", "version: \"1\"", "$.version", 1, "expected a whole number"),
                bad("  type: ext4\n  options: [ro]\n", "  options: [ro]\n", "$.root.type", 14, "type is required"),
                bad("  device: /dev/mmcblk0", "  device: [/dev/mmcblk0]", "$.disk.device", 10,
                        "expected an absolute path, got a list"));
    }

    private static Arguments bad(String original, String replacement, String path, int line, String message) {
        return edits(Severity.ERROR, path, line, message, original, replacement);
    }

    private static Arguments warning(String original, String replacement, String path, int line, String message) {
        return edits(Severity.WARNING, path, line, message, original, replacement);
    }

    /** Makes a case by replacing, in turn, each original text of the base manifest by the text after it. */
    private static Arguments edits(Severity severity, String path, int line, String message, String... replacements) {
        String text = BASE;
        for (int i = 0; i < replacements.length; i += 2) {
            if (!text.contains(replacements[i])) {
                throw new IllegalArgumentException("the base manifest has no '" + replacements[i] + "'");
            }
            text = text.replace(replacements[i], replacements[i + 1]);
        }
        return Arguments.of(text, severity, path, line, message);
    }

    @Test
    void tableHasFortyCases() {
        assertTrue(badManifests().count() >= 40);
    }

    @ParameterizedTest
    @MethodSource("badManifests")
    void badManifestReported(String text, Severity severity, String path, int line, String message) {
        Report report = validate(text);
        assertTrue(report.fails(true), "no finding for " + path);
        Finding finding = report.findings().stream()
                .filter(candidate -> candidate.path().equals(path) && candidate.message().contains(message))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no finding at " + path + " containing '" + message + "' in "
                        + report.findings()));
        assertEquals(severity, finding.severity(), finding.format());
        assertEquals(line, finding.line(), finding.format());
        assertEquals("test.yaml", finding.file());
        if (severity == Severity.WARNING) {
            assertFalse(report.hasErrors(), "a warning case has errors: " + report.findings());
        }
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
