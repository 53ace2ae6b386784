package dev.manifestinit.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.manifest.KernelModule;
import dev.manifestinit.manifest.ManifestLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The kernelModules key: its model and its rules. Line numbers below refer to {@link #BASE}. */
class KernelModulesValidationTest {
    static final String BASE = """
            version: 1
            machine: test-vm
            apiFilesystems:
              - type: proc
                mountpoint: /proc
            kernelModules:
              - path: /lib/modules/virtio_ring.ko
              - path: /lib/modules/virtio_blk.ko
                parameters: [queue_depth=64, poll_queues=1]
              - path: /lib/modules/crc32c-intel.ko
            disk:
              device: /dev/vda
              wait: 5s
              partitions: [rofs-a, rofs-b, rwfs]
            root:
              labels: [rofs-a, rofs-b]
              default: rofs-a
              type: ext4
              options: [ro]
              mountpoint: /newroot
            init:
              path: /sbin/init
            """;

    static Stream<Arguments> badManifests() {
        return Stream.of(
                bad("  - path: /lib/modules/virtio_ring.ko", "  - path: /lib/modules/virtio_ring.ko.xz",
                        "$.kernelModules[0].path", 7, "is compressed; decompress it when the image is built"),
                bad("  - path: /lib/modules/virtio_ring.ko", "  - path: /lib/modules/virtio_ring.ko.zst",
                        "$.kernelModules[0].path", 7, "CONFIG_MODULE_DECOMPRESS"),
                bad("  - path: /lib/modules/virtio_ring.ko", "  - path: /lib/modules/virtio_ring",
                        "$.kernelModules[0].path", 7, "expected a kernel module file ending in .ko"),
                bad("  - path: /lib/modules/virtio_ring.ko", "  - path: lib/modules/virtio_ring.ko",
                        "$.kernelModules[0].path", 7, "absolute path"),
                bad("  - path: /lib/modules/crc32c-intel.ko", "  - path: /lib/extra/virtio-ring.ko",
                        "$.kernelModules[2].path", 10, "module virtio_ring is already loaded by $.kernelModules[0]"),
                bad("    parameters: [queue_depth=64, poll_queues=1]", "    parameters: [queue_depth=64, \"a b\"]",
                        "$.kernelModules[1].parameters[1]", 9, "invalid module parameter 'a b'"),
                bad("    parameters: [queue_depth=64, poll_queues=1]", "    parameters: [\"x=\\\"1\\\"\"]",
                        "$.kernelModules[1].parameters[0]", 9, "without spaces or quotes"),
                bad("  - path: /lib/modules/virtio_ring.ko", "  - paht: /lib/modules/virtio_ring.ko",
                        "$.kernelModules[0].paht", 7, "did you mean 'path'?"),
                bad("  - path: /lib/modules/virtio_ring.ko", "  - {}", "$.kernelModules[0].path", 7,
                        "path is required"),
                bad("kernelModules:\n", "kernelModules: /lib/modules/virtio.ko\nxkernelModules:\n",
                        "$.kernelModules", 6, "expected a list"));
    }

    private static Arguments bad(String original, String replacement, String path, int line, String message) {
        if (!BASE.contains(original)) {
            throw new IllegalArgumentException("the base manifest has no '" + original + "'");
        }
        return Arguments.of(BASE.replace(original, replacement), path, line, message);
    }

    @ParameterizedTest
    @MethodSource("badManifests")
    void badModuleReported(String text, String path, int line, String message) {
        Report report = validate(text);
        Finding finding = report.findings().stream()
                .filter(candidate -> candidate.path().equals(path))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no finding at " + path + " in " + report.findings()));
        assertEquals(Severity.ERROR, finding.severity());
        assertEquals(line, finding.line(), finding.format());
        assertTrue(finding.message().contains(message), finding.format());
    }

    @Test
    void baseManifestIsValid() {
        assertEquals(List.of(), validate(BASE).findings());
    }

    @Test
    void modulesBoundInOrder() {
        List<KernelModule> modules = validate(BASE).loaded().manifest().kernelModules();
        assertEquals(List.of("virtio_ring", "virtio_blk", "crc32c_intel"),
                modules.stream().map(KernelModule::name).toList());
    }

    @Test
    void parametersJoinedBySpaces() {
        KernelModule module = validate(BASE).loaded().manifest().kernelModules().get(1);
        assertEquals("queue_depth=64 poll_queues=1", module.parameterString());
        assertEquals("", validate(BASE).loaded().manifest().kernelModules().get(0).parameterString());
    }

    @Test
    void keyIsOptional() {
        String text = BASE.substring(0, BASE.indexOf("kernelModules:")) + BASE.substring(BASE.indexOf("disk:"));
        Report report = validate(text);
        assertEquals(List.of(), report.findings());
        assertEquals(List.of(), report.loaded().manifest().kernelModules());
    }

    private static Report validate(String text) {
        return new ManifestValidator().validate(
                new ManifestLoader().parse(text.getBytes(StandardCharsets.UTF_8), "test.yaml"));
    }
}
