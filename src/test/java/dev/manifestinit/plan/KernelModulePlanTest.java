package dev.manifestinit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.manifestinit.boot.KernelCommandLine;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.steps.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the planner puts the module loading: after the API mounts, before anything looks for the disk. */
class KernelModulePlanTest {

    @Test
    void modulesLoadedRightAfterApiMounts() throws Exception {
        Manifest manifest = PlannerTest.load("qemu-x86");
        List<Step> steps = new Planner().plan(manifest, KernelCommandLine.EMPTY).steps();
        int apiSteps = new Planner().apiFilesystemSteps(manifest).size();

        assertEquals("LoadKernelModules", steps.get(apiSteps).name());
        assertEquals("WaitForDisk", steps.get(apiSteps + 1).name());
    }

    @Test
    void noModuleStepWithoutModules() throws Exception {
        List<Step> steps = new Planner().plan(PlannerTest.load("rainier"), KernelCommandLine.EMPTY).steps();

        assertFalse(steps.stream().anyMatch(step -> step.name().equals("LoadKernelModules")));
    }
}
