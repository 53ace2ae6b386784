package dev.manifestinit.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.KernelModule;
import dev.manifestinit.os.NativeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The step's order, logging and errors, against a fake kernel; the real finit_module is tested in the QEMU boots. */
class LoadKernelModulesTest {
    private static final String RING = "/lib/modules/virtio_ring.ko";
    private static final String BLOCK = "/lib/modules/virtio_blk.ko";
    private static final String CRC = "/lib/modules/crc32c-intel.ko";

    private final List<String> progress = new ArrayList<>();

    @Test
    void modulesLoadedInListOrder() throws Exception {
        FakeKernel kernel = kernelWithFiles(RING, BLOCK, CRC);

        Outcome outcome = step(module(RING), module(BLOCK, "queue_depth=64", "poll_queues=1"), module(CRC))
                .apply(context(kernel));

        assertEquals(List.of(RING, BLOCK + " queue_depth=64 poll_queues=1", CRC), loads(kernel));
        assertFalse(outcome.skipped());
        assertEquals("loaded virtio_ring virtio_blk crc32c_intel", outcome.detail());
    }

    @Test
    void eachModuleLogged() throws Exception {
        FakeKernel kernel = kernelWithFiles(RING, BLOCK);

        step(module(RING), module(BLOCK, "queue_depth=64")).apply(context(kernel));

        assertEquals(2, progress.size(), progress.toString());
        assertTrue(progress.get(0).startsWith("loaded module virtio_ring from " + RING + " in "), progress.get(0));
        assertTrue(progress.get(1).startsWith("loaded module virtio_blk from " + BLOCK + " with queue_depth=64 in "),
                progress.get(1));
    }

    @Test
    void missingFileNamedBeforeLoading() {
        FakeKernel kernel = kernelWithFiles(RING);

        StepFailure failure = assertThrows(StepFailure.class,
                () -> step(module(RING), module(BLOCK)).apply(context(kernel)));

        assertEquals("module file " + BLOCK + " of module virtio_blk not found in the initramfs;"
                + " the image build must copy it there", failure.getMessage());
        assertEquals(List.of(RING), loads(kernel));
    }

    @Test
    void directoryInsteadOfFileRejected() {
        FakeKernel kernel = new FakeKernel();
        kernel.directory(BLOCK);

        StepFailure failure = assertThrows(StepFailure.class, () -> step(module(BLOCK)).apply(context(kernel)));

        assertTrue(failure.getMessage().contains(BLOCK + " of module virtio_blk is not a regular file"),
                failure.getMessage());
        assertEquals(List.of(), loads(kernel));
    }

    @Test
    void loadFailureNamesModuleAndCause() {
        FakeKernel kernel = kernelWithFiles(RING, BLOCK);
        failLoading(kernel, BLOCK, "ENOEXEC", 8, "Exec format error");

        StepFailure failure = assertThrows(StepFailure.class,
                () -> step(module(RING), module(BLOCK)).apply(context(kernel)));

        assertEquals("cannot load module virtio_blk from " + BLOCK + " (loaded before it: virtio_ring)",
                failure.getMessage());
        NativeException cause = (NativeException) failure.getCause();
        assertEquals("ENOEXEC", cause.errnoName());
    }

    @Test
    void alreadyLoadedModuleSkipped() throws Exception {
        FakeKernel kernel = kernelWithFiles(RING, BLOCK);
        failLoading(kernel, RING, "EEXIST", 17, "File exists");

        Outcome outcome = step(module(RING), module(BLOCK)).apply(context(kernel));

        assertFalse(outcome.skipped());
        assertEquals("loaded virtio_blk; already loaded: virtio_ring", outcome.detail());
        assertTrue(progress.get(0).startsWith("module virtio_ring is already loaded"), progress.get(0));
    }

    @Test
    void allAlreadyLoadedSkipsStep() throws Exception {
        FakeKernel kernel = kernelWithFiles(RING);
        failLoading(kernel, RING, "EEXIST", 17, "File exists");

        Outcome outcome = step(module(RING)).apply(context(kernel));

        assertTrue(outcome.skipped());
        assertEquals("all 1 modules were already loaded", outcome.detail());
    }

    @Test
    void describeListsPathsAndParameters() {
        LoadKernelModules step = step(module(RING), module(BLOCK, "queue_depth=64"));

        assertEquals(RING + ", " + BLOCK + " [queue_depth=64]", step.describe());
        assertEquals("LoadKernelModules", step.name());
    }

    private static FakeKernel kernelWithFiles(String... paths) {
        FakeKernel kernel = new FakeKernel();
        for (String path : paths) {
            kernel.file(path, 0644, 1000);
        }
        return kernel;
    }

    private static void failLoading(FakeKernel kernel, String path, String errnoName, int errno, String text) {
        kernel.moduleFailures.put(path, new NativeException("finit_module", "(3<" + path + ">, \"\", 0)", errno,
                errnoName, text));
    }

    /** Returns each finit_module call the kernel recorded, as "PATH PARAMETERS". */
    private static List<String> loads(FakeKernel kernel) {
        return kernel.changes.stream()
                .filter(change -> change.startsWith("load module "))
                .map(change -> change.substring("load module ".length()))
                .toList();
    }

    private StepContext context(FakeKernel kernel) {
        return new StepContext(kernel, null, null, GpioLines.NONE, progress::add);
    }

    private static LoadKernelModules step(KernelModule... modules) {
        return new LoadKernelModules(List.of(modules));
    }

    private static KernelModule module(String path, String... parameters) {
        return new KernelModule(AbsolutePath.parse(path), List.of(parameters));
    }
}
