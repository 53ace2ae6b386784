package dev.manifestinit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image build's command line: output, messages and exit status of each command. */
class ImageToolTest {
    @TempDir
    Path directory;
    private Path modules;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void writeModuleDirectory() throws Exception {
        modules = Files.createDirectories(directory.resolve("6.1.0-test"));
        Files.writeString(modules.resolve("modules.dep"), """
                kernel/drivers/virtio/virtio_ring.ko:
                kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
                kernel/fs/overlayfs/overlay.ko.xz:
                """);
        Files.writeString(modules.resolve("modules.alias"), "alias fs-overlay overlay\n");
        Files.writeString(modules.resolve("modules.builtin.modinfo"), "ext4.alias=fs-ext4\0");
    }

    @Test
    void modulesPrintsSourceAndTarget() throws Exception {
        Path manifest = manifest("""
                  - path: /lib/modules/virtio_ring.ko
                  - path: /lib/modules/virtio.ko
                  - path: /lib/modules/overlay.ko
                """);

        int status = run("modules", "--manifest", manifest.toString(), "--kernel-modules", modules.toString());

        assertEquals(0, status, text(err));
        assertEquals(modules.resolve("kernel/drivers/virtio/virtio_ring.ko") + " /lib/modules/virtio_ring.ko\n"
                + modules.resolve("kernel/drivers/virtio/virtio.ko") + " /lib/modules/virtio.ko\n"
                + modules.resolve("kernel/fs/overlayfs/overlay.ko.xz") + " /lib/modules/overlay.ko\n", text(out));
        assertEquals("", text(err));
    }

    @Test
    void modulesReportsFindingsWithPosition() throws Exception {
        Path manifest = manifest("""
                  - path: /lib/modules/virtio.ko
                  - path: /lib/modules/overlay.ko
                """);

        int status = run("modules", "--manifest", manifest.toString(), "--kernel-modules", modules.toString());

        assertEquals(1, status);
        assertEquals("", text(out));
        assertTrue(text(err).startsWith(manifest + ":7:11: error at $.kernelModules[0].path: module virtio needs"
                + " virtio_ring"), text(err));
    }

    @Test
    void modulesStopsAtInvalidManifest() throws Exception {
        Path manifest = manifest("""
                  - path: /lib/modules/virtio.ko.xz
                """);

        int status = run("modules", "--manifest", manifest.toString(), "--kernel-modules", modules.toString());

        assertEquals(1, status);
        assertTrue(text(err).contains("is compressed"), text(err));
    }

    @Test
    void modulesNamesMissingModuleDirectory() throws Exception {
        Path manifest = manifest("  - path: /lib/modules/virtio_ring.ko\n");

        int status = run("modules", "--manifest", manifest.toString(), "--kernel-modules", directory.resolve("none").toString());

        assertEquals(2, status);
        assertTrue(text(err).contains("modules.dep is missing; run depmod for this kernel"), text(err));
    }

    @Test
    void cpioWritesArchive() throws Exception {
        Path list = Files.writeString(directory.resolve("list"), "dir /dev 755 0 0\nnod /dev/console 600 0 0 c 5 1\n");
        Path archive = directory.resolve("initramfs.cpio");

        int status = run("cpio", "--list", list.toString(), "--output", archive.toString(), "--mtime", "0");

        assertEquals(0, status, text(err));
        assertTrue(Files.size(archive) > 0);
        assertFalse(Files.exists(directory.resolve("initramfs.cpio.partial")));
    }

    @Test
    void cpioReportsInvalidList() throws Exception {
        Path list = Files.writeString(directory.resolve("list"), "dir /dev 755 0 0\nnode /dev/console\n");

        int status = run("cpio", "--list", list.toString(), "--output", directory.resolve("out.cpio").toString());

        assertEquals(1, status);
        assertTrue(text(err).startsWith(list + ":2: unknown entry type 'node'"), text(err));
        assertFalse(Files.exists(directory.resolve("out.cpio")));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run());
        assertEquals(2, run("build"));
        assertEquals(2, run("cpio", "--list"));
        assertEquals(2, run("modules", "--manifest", "a.yaml"));
        assertTrue(text(err).contains("modules takes --manifest FILE and --kernel-modules DIR"), text(err));
    }

    private Path manifest(String modulesList) throws Exception {
        return Files.writeString(directory.resolve("test.yaml"), """
                version: 1
                machine: test-vm
                apiFilesystems:
                  - type: proc
                    mountpoint: /proc
                kernelModules:
                %sdisk:
                  device: /dev/vda
                  wait: 5s
                  partitions: [rofs-a]
                root:
                  labels: [rofs-a]
                  default: rofs-a
                  type: ext4
                  mountpoint: /newroot
                init:
                  path: /sbin/init
                """.formatted(modulesList));
    }

    private int run(String... args) {
        return new ImageTool(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8)).run(args);
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
