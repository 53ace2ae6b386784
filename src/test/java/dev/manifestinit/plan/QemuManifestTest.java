package dev.manifestinit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.manifestinit.manifest.Disk;
import dev.manifestinit.manifest.Manifest;
import org.junit.jupiter.api.Test;

/** The QEMU test machine must differ from Rainier only where the hardware differs. */
class QemuManifestTest {

    @Test
    void differsFromRainierOnlyInHardware() throws Exception {
        Manifest rainier = PlannerTest.load("rainier");
        Manifest qemu = PlannerTest.load("qemu-x86");

        // The hardware: the disk device, the modules its drivers need, and the factory reset
        // triggers, since the VM has neither a u-boot environment nor GPIO lines.
        Disk rainierDisk = rainier.disk();
        Manifest rainierOnQemuHardware = new Manifest(rainier.version(), qemu.machine(), rainier.apiFilesystems(),
                qemu.kernelModules(), new Disk(qemu.disk().device(), rainierDisk.timeout(), rainierDisk.partitions(),
                        rainierDisk.gpt(), rainierDisk.formattable()),
                rainier.root(), rainier.mounts(), rainier.directories(), rainier.overlays(), rainier.init(),
                rainier.shell(), rainier.onFailure(), qemu.factoryReset());

        assertEquals(rainierOnQemuHardware, qemu);
    }

    @Test
    void qemuManifestLoadsModules() throws Exception {
        assertFalse(PlannerTest.load("qemu-x86").kernelModules().isEmpty());
        assertEquals("/dev/vda", PlannerTest.load("qemu-x86").disk().device().value());
    }
}
