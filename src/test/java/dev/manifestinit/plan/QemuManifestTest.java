package dev.manifestinit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.manifestinit.manifest.Disk;
import dev.manifestinit.manifest.Manifest;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The QEMU test machine must differ from Rainier only where the hardware differs. */
class QemuManifestTest {

    @Test
    void differsFromRainierOnlyInHardware() throws Exception {
        Manifest rainier = PlannerTest.load("rainier");
        Manifest qemu = PlannerTest.load("qemu-x86");

        // The hardware: the disk device, the modules its drivers need, and the factory reset
        // triggers, since the VM has neither a u-boot environment nor GPIO lines.
        Disk disk = copy(rainier.disk(), Map.of("device", qemu.disk().device()));
        Map<String, Object> hardware = new HashMap<>();
        hardware.put("machine", qemu.machine());
        hardware.put("kernelModules", qemu.kernelModules());
        hardware.put("disk", disk);
        hardware.put("factoryReset", qemu.factoryReset());
        Manifest rainierOnQemuHardware = copy(rainier, hardware);

        assertEquals(rainierOnQemuHardware, qemu);
    }

    @Test
    void qemuManifestLoadsModules() throws Exception {
        assertFalse(PlannerTest.load("qemu-x86").kernelModules().isEmpty());
        assertEquals("/dev/vda", PlannerTest.load("qemu-x86").disk().device().value());
    }

    /**
     * Returns a copy of {@code record} with the components named in {@code changes} replaced, through
     * the canonical constructor, so that the test keeps working when the model gains components.
     */
    @SuppressWarnings("unchecked")
    private static <T extends Record> T copy(T record, Map<String, Object> changes) throws ReflectiveOperationException {
        RecordComponent[] components = record.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            values[i] = changes.containsKey(name) ? changes.get(name) : components[i].getAccessor().invoke(record);
            types[i] = components[i].getType();
        }
        return (T) record.getClass().getDeclaredConstructor(types).newInstance(values);
    }
}
