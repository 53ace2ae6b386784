package dev.manifestinit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.manifest.LoadedManifest;
import dev.manifestinit.manifest.ManifestLoader;
import dev.manifestinit.validation.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks module lists against a module directory made here, a small copy of the index files of
 * Debian 12's cloud kernel. In it, ext4 and crc32c_generic are built in, and ext4 asks for
 * crypto-crc32c, which crc32c_intel also provides. The virtio modules, overlay, xfs and libcrc32c
 * are loadable. Line numbers refer to {@link #MANIFEST}.
 */
class ModuleCheckTest {
    static final String MANIFEST = """
            version: 1
            machine: test-vm
            apiFilesystems:
              - type: proc
                mountpoint: /proc
            kernelModules:
              - path: /lib/modules/virtio_ring.ko
              - path: /lib/modules/virtio.ko
              - path: /lib/modules/virtio_blk.ko
              - path: /lib/modules/crc32c-intel.ko
              - path: /lib/modules/overlay.ko
            disk:
              device: /dev/vda
              wait: 5s
              partitions: [rofs-a, rwfs]
            root:
              labels: [rofs-a]
              default: rofs-a
              type: ext4
              options: [ro]
              mountpoint: /newroot
            mounts:
              - label: rwfs
                mountpoint: /var
                type: ext4
                options: [rw]
            overlays:
              - mountpoint: /etc
                lower: /etc
                upper: /var/etc
                work: /var/etc-work
            init:
              path: /sbin/init
            """;

    @TempDir
    Path temporary;
    private ModuleDirectory modules;

    @BeforeEach
    void writeModuleDirectory() throws IOException {
        Path directory = Files.createDirectories(temporary.resolve("6.1.0-test-cloud-amd64"));
        Files.writeString(directory.resolve("modules.dep"), """
                kernel/drivers/virtio/virtio_ring.ko:
                kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
                kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
                kernel/arch/x86/crypto/crc32c-intel.ko.xz:
                kernel/fs/overlayfs/overlay.ko:
                kernel/fs/xfs/xfs.ko: kernel/lib/libcrc32c.ko
                kernel/lib/libcrc32c.ko:
                """);
        Files.writeString(directory.resolve("modules.softdep"), """
                # Soft dependencies extracted from modules themselves.
                softdep libcrc32c pre: crc32c
                softdep cifs gcm
                """);
        Files.writeString(directory.resolve("modules.alias"), """
                # Aliases extracted from modules themselves.
                alias fs-overlay overlay
                alias crypto-crc32c crc32c_intel
                alias crc32c crc32c_intel
                alias fs-xfs xfs
                alias virtio:d00000002v* virtio_blk
                """);
        Files.writeString(directory.resolve("modules.builtin"), "kernel/fs/ext4/ext4.ko\nkernel/crypto/crc32c_generic.ko\n");
        Files.writeString(directory.resolve("modules.builtin.modinfo"), "ext4.alias=fs-ext4\0ext4.softdep=pre: crypto-crc32c\0"
                + "crc32c_generic.alias=crypto-crc32c\0crc32c_generic.alias=crc32c\0ext4.license=GPL\0");
        modules = ModuleDirectory.read(directory);
    }

    @Test
    void completeListPasses() {
        ModuleCheck.Result result = check(MANIFEST);

        assertEquals(List.of(), result.findings());
        assertEquals(List.of("kernel/drivers/virtio/virtio_ring.ko", "kernel/drivers/virtio/virtio.ko",
                "kernel/drivers/block/virtio_blk.ko", "kernel/arch/x86/crypto/crc32c-intel.ko.xz",
                "kernel/fs/overlayfs/overlay.ko"),
                result.files().stream().map(file -> modules.directory().relativize(file.source()).toString()).toList());
        assertEquals("/lib/modules/crc32c-intel.ko", result.files().get(3).module().path().value());
    }

    @Test
    void missingDependencyNamedForEachModuleNeedingIt() {
        List<Finding> findings = check(MANIFEST.replace("  - path: /lib/modules/virtio_ring.ko\n", "")).findings();

        assertEquals(2, findings.size(), findings.toString());
        assertEquals("$.kernelModules[0].path", findings.get(0).path());
        assertEquals(7, findings.get(0).line());
        assertEquals("module virtio needs virtio_ring (modules.dep), which kernelModules does not list;"
                + " add kernel/drivers/virtio/virtio_ring.ko before virtio", findings.get(0).message());
        assertEquals("$.kernelModules[1].path", findings.get(1).path());
        assertTrue(findings.get(1).message().startsWith("module virtio_blk needs virtio_ring"), findings.get(1).format());
    }

    @Test
    void dependencyListedLaterNamed() {
        String text = MANIFEST.replace("  - path: /lib/modules/virtio_ring.ko\n  - path: /lib/modules/virtio.ko\n",
                "  - path: /lib/modules/virtio.ko\n  - path: /lib/modules/virtio_ring.ko\n");

        Finding finding = onlyFinding(text);

        assertEquals("$.kernelModules[0].path", finding.path());
        assertEquals("module virtio needs virtio_ring (modules.dep), which $.kernelModules[1] loads after it;"
                + " list it before virtio", finding.message());
    }

    @Test
    void builtinModuleRejected() {
        Finding finding = onlyFinding(MANIFEST.replace("/lib/modules/overlay.ko\n",
                "/lib/modules/overlay.ko\n  - path: /lib/modules/ext4.ko\n"));

        assertEquals("$.kernelModules[5].path", finding.path());
        assertEquals(12, finding.line());
        assertEquals("module ext4 is built into kernel 6.1.0-test-cloud-amd64, so there is no file to load;"
                + " remove it from kernelModules", finding.message());
    }

    @Test
    void unknownModuleRejected() {
        Finding finding = onlyFinding(MANIFEST.replace("/lib/modules/overlay.ko\n",
                "/lib/modules/overlay.ko\n  - path: /lib/modules/virtio_gpu.ko\n"));

        assertEquals("$.kernelModules[5].path", finding.path());
        assertTrue(finding.message().startsWith("kernel 6.1.0-test-cloud-amd64 has no module virtio_gpu: "),
                finding.format());
    }

    @Test
    void builtinFilesystemsSoftDependencyRequired() {
        Finding finding = onlyFinding(MANIFEST.replace("  - path: /lib/modules/crc32c-intel.ko\n", ""));

        assertEquals("$.root.type", finding.path());
        assertEquals(18, finding.line());
        assertEquals("filesystem ext4 is built into kernel 6.1.0-test-cloud-amd64 and has the soft dependency"
                + " crypto-crc32c, which is module crc32c_intel; add kernel/arch/x86/crypto/crc32c-intel.ko.xz"
                + " to kernelModules", finding.message());
    }

    @Test
    void loadableFilesystemRequired() {
        Finding finding = onlyFinding(MANIFEST.replace("  - path: /lib/modules/overlay.ko\n", ""));

        assertEquals("$.overlays[0]", finding.path());
        assertEquals("filesystem overlay is module overlay in kernel 6.1.0-test-cloud-amd64, which kernelModules"
                + " does not list; add kernel/fs/overlayfs/overlay.ko", finding.message());
    }

    @Test
    void listedModulesSoftDependencyMustComeFirst() {
        String text = MANIFEST.replace("  - path: /lib/modules/crc32c-intel.ko\n", "")
                .replace("/lib/modules/overlay.ko\n",
                        "/lib/modules/overlay.ko\n  - path: /lib/modules/libcrc32c.ko\n  - path: /lib/modules/crc32c-intel.ko\n");

        List<Finding> findings = check(text).findings();

        assertEquals(1, findings.size(), findings.toString());
        assertEquals("$.kernelModules[4].path", findings.get(0).path());
        assertEquals("module libcrc32c has the soft dependency crc32c, which is module crc32c_intel (pre: in"
                + " modules.softdep), which $.kernelModules[5] loads after it; list it before libcrc32c",
                findings.get(0).message());
    }

    @Test
    void everyProblemReportedAtOnce() {
        String text = MANIFEST.replace("  - path: /lib/modules/virtio_ring.ko\n", "")
                .replace("  - path: /lib/modules/crc32c-intel.ko\n", "")
                .replace("  - path: /lib/modules/overlay.ko\n", "");

        List<String> paths = check(text).findings().stream().map(Finding::path).toList();

        assertEquals(List.of("$.kernelModules[0].path", "$.kernelModules[1].path", "$.root.type", "$.overlays[0]"),
                paths);
    }

    @Test
    void aliasGlobsMatchAsFnmatch() {
        assertEquals(List.of(new ModuleDirectory.ResolvedModule("virtio_blk", false)),
                modules.resolve("virtio:d00000002v00001AF4"));
        assertEquals(Set.of(new ModuleDirectory.ResolvedModule("crc32c_intel", false),
                new ModuleDirectory.ResolvedModule("crc32c_generic", true)), Set.copyOf(modules.resolve("crypto-crc32c")));
        assertEquals(List.of(new ModuleDirectory.ResolvedModule("ext4", true)), modules.resolve("ext4"));
        assertEquals(List.of(), modules.resolve("fs-btrfs"));
        assertTrue("pci:v1AF4d0001".matches(ModuleDirectory.globToRegex("pci:v1AF4d000[0-9]")));
        assertFalse("pci:v1AF4d0001".matches(ModuleDirectory.globToRegex("pci:v1AF4d000[!1]")));
        assertTrue("a&&b".matches(ModuleDirectory.globToRegex("a[&]&b")));
        assertTrue("x.y".matches(ModuleDirectory.globToRegex("x?y")));
        assertFalse("xzzy".matches(ModuleDirectory.globToRegex("x.y")));
    }

    @Test
    void moduleNamesFromFiles() {
        assertEquals("crc32c_intel", ModuleDirectory.moduleName("kernel/arch/x86/crypto/crc32c-intel.ko.xz"));
        assertEquals("overlay", ModuleDirectory.moduleName("overlay.ko.zst"));
        assertEquals("virtio_blk", ModuleDirectory.moduleName("virtio_blk.ko"));
        assertEquals(List.of("crypto-crc32c"), modules.preSoftDependencies("ext4"));
        assertEquals(List.of(), modules.preSoftDependencies("cifs"));
    }

    private Finding onlyFinding(String text) {
        List<Finding> findings = check(text).findings();
        assertEquals(1, findings.size(), findings.toString());
        return findings.get(0);
    }

    private ModuleCheck.Result check(String text) {
        LoadedManifest loaded = new ManifestLoader().parse(text.getBytes(StandardCharsets.UTF_8), "test.yaml");
        assertEquals(List.of(), loaded.findings());
        return new ModuleCheck(loaded, modules).check();
    }
}
