package dev.manifestinit.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.manifest.ManifestLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The shell, onFailure and factoryReset keys; each bad case changes one line of BASE. */
class PolicyRulesTest {
    static final String BASE = """
            version: 1
            machine: test-bmc
            apiFilesystems:
              - type: proc
                mountpoint: /proc
            disk:
              device: /dev/mmcblk0
              wait: 5s
              partitions: [rofs-a, rofs-b, rwfs, hostfw]
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
            init:
              path: /sbin/init
            shell:
              path: /bin/sh
              allow: flag
              flag: manifest-init.shell
            onFailure:
              otherSide: true
              action: emergency-shell
              withoutShell: reboot
            factoryReset:
              environment: /etc/fw_env.config
              variable: rwreset
              gpio:
                line: factory-reset-toggle
                storedIn: rwreset
              reformat:
                - label: rwfs
                  type: ext4
                - label: hostfw
                  type: ext4
                  keep: [hostfw-a, hostfw-b]
            """;

    static Stream<Arguments> badManifests() {
        return Stream.of(
                bad("  flag: manifest-init.shell\n", "", "$.shell.flag", 23, "flag is required with allow: flag"),
                bad("  flag: manifest-init.shell", "  flag: \"two words\"", "$.shell.flag", 25, "one kernel command line word"),
                bad("  allow: flag", "  allow: sometimes", "$.shell.allow", 24, "expected one of never, flag, always"),
                bad("  withoutShell: reboot\n", "", "$.onFailure.withoutShell", 27, "withoutShell is required"),
                bad("  withoutShell: reboot", "  withoutShell: emergency-shell", "$.onFailure.withoutShell", 29,
                        "reboot or power-off"),
                bad("  otherSide: true", "  otherSide: yes", "$.onFailure.otherSide", 27, "expected true or false"),
                bad("  labels: [rofs-a, rofs-b]", "  labels: [rofs-a]", "$.onFailure.otherSide", 27,
                        "at least two root labels"),
                bad("  action: emergency-shell", "  action: panic", "$.onFailure.action", 28,
                        "expected one of emergency-shell, reboot, power-off"),
                bad("  variable: rwreset\n  gpio:\n    line: factory-reset-toggle\n    storedIn: rwreset\n", "",
                        "$.factoryReset", 31, "needs a trigger"),
                bad("  variable: rwreset", "  variable: rw=reset", "$.factoryReset.variable", 32, "must not contain '='"),
                bad("    storedIn: rwreset", "    storedIn: \"\"", "$.factoryReset.gpio.storedIn", 35, "must name"),
                bad("    line: factory-reset-toggle", "    line: " + "x".repeat(32), "$.factoryReset.gpio.line", 34,
                        "longer than the kernel's 31 bytes"),
                bad("    - label: hostfw", "    - label: rofs-b", "$.factoryReset.reformat[1].label", 39,
                        "never formats code"),
                bad("    - label: hostfw", "    - label: data", "$.factoryReset.reformat[1].label", 39,
                        "not declared in $.disk.partitions"),
                bad("    - label: hostfw", "    - label: rwfs", "$.factoryReset.reformat[1].label", 39,
                        "already formatted by $.factoryReset.reformat[0]"),
                bad("      type: ext4\n    - label: hostfw", "      type: vfat\n    - label: hostfw",
                        "$.factoryReset.reformat[0].type", 38, "ext2, ext3 or ext4"),
                bad("      type: ext4\n    - label: hostfw", "      type: ext3\n    - label: hostfw",
                        "$.factoryReset.reformat[0].type", 38, "differs from the type ext4"),
                bad("keep: [hostfw-a, hostfw-b]", "keep: [hostfw-a, ../etc]", "$.factoryReset.reformat[1].keep[1]", 41,
                        "without /"),
                bad("keep: [hostfw-a, hostfw-b]", "keep: [hostfw-a, hostfw-a]", "$.factoryReset.reformat[1].keep[1]", 41,
                        "twice"),
                bad("  environment: /etc/fw_env.config\n", "", "$.factoryReset.environment", 31, "environment is required"),
                bad("  reformat:\n    - label: rwfs\n      type: ext4\n    - label: hostfw\n      type: ext4\n"
                        + "      keep: [hostfw-a, hostfw-b]\n", "", "$.factoryReset.reformat", 31, "reformat must list"));
    }

    @ParameterizedTest
    @MethodSource("badManifests")
    void badPolicyReported(String text, String path, int line, String message) {
        Report report = validate(text);
        Finding finding = report.findings().stream()
                .filter(candidate -> candidate.path().equals(path) && candidate.severity() == Severity.ERROR)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no error at " + path + " in " + report.findings()));
        assertEquals(line, finding.line(), finding.format());
        assertTrue(finding.message().contains(message), finding.format());
    }

    @Test
    void baseManifestIsValid() {
        assertEquals(List.of(), validate(BASE).findings());
    }

    @Test
    void neverAllowedShellWarns() {
        Report report = validate(BASE.replace("  allow: flag\n  flag: manifest-init.shell\n", "  allow: never\n"));
        assertEquals(List.of("$.onFailure.action"), report.findings().stream().map(Finding::path).toList());
        assertEquals(Severity.WARNING, report.findings().get(0).severity());
        assertTrue(report.findings().get(0).message().contains("always leads to reboot"));
    }

    @Test
    void manifestWithoutPolicyKeysIsValid() {
        String text = BASE.substring(0, BASE.indexOf("shell:"));
        assertEquals(List.of(), validate(text).findings());
    }

    private static Arguments bad(String original, String replacement, String path, int line, String message) {
        if (!BASE.contains(original)) {
            throw new IllegalArgumentException("the base manifest has no '" + original + "'");
        }
        return Arguments.of(BASE.replace(original, replacement), path, line, message);
    }

    private static Report validate(String text) {
        return new ManifestValidator().validate(
                new ManifestLoader().parse(text.getBytes(StandardCharsets.UTF_8), "test.yaml"));
    }
}
