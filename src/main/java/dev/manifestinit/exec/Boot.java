package dev.manifestinit.exec;

import dev.manifestinit.boot.KernelCommandLine;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.ManifestLoader;
import dev.manifestinit.os.FileStatus;
import dev.manifestinit.os.Kernel;
import dev.manifestinit.os.NativeException;
import dev.manifestinit.plan.PlanException;
import dev.manifestinit.plan.Plan;
import dev.manifestinit.plan.Planner;
import dev.manifestinit.steps.Step;
import dev.manifestinit.steps.StepContext;
import dev.manifestinit.steps.StepFailure;
import dev.manifestinit.steps.SwitchRoot;
import dev.manifestinit.validation.Finding;
import dev.manifestinit.validation.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The boot as PID 1: validate the manifest (on a second thread, skipping the bean constraints when
 * its validation record matches, see {@link ManifestCheck}), mount the API filesystems, read the kernel command
 * line, plan, and apply the steps up to switch_root. On a failure the console gets one message
 * naming the step and the cause, then the emergency shell when the initramfs has one.
 */
public final class Boot {
    private static final String EMERGENCY_SHELL = "/bin/sh";
    private static final String PROC_CMDLINE = "/proc/cmdline";
    /**
     * -Dmanifest-init.training=true makes the boot stop before switch_root and return 0, so that the
     * JVM exits and writes the class archive that the training run asked for.
     */
    private static final boolean TRAINING = Boolean.getBoolean("manifest-init.training");

    private final Kernel kernel;
    private final StepContext context;
    private final BootLog log;
    private final boolean debug;

    public Boot(Kernel kernel, StepContext context, BootLog log, boolean debug) {
        this.kernel = kernel;
        this.context = context;
        this.log = log;
        this.debug = debug;
    }

    /**
     * Boots from {@code manifestFile}. Returns only when the boot failed and no emergency shell
     * could be started, with the exit status for the process, or with 0 after a training run.
     *
     * @param commandLineOverride the kernel command line to use instead of /proc/cmdline, or null
     */
    public int run(Path manifestFile, String commandLineOverride) {
        // The check only reads the manifest, so it may start before the PID 1 check below, whose
        // first native call loads JNR-FFI in the meantime.
        ManifestCheck check = ManifestCheck.start(manifestFile);
        PhaseClock.mark("native-binding");
        int pid = kernel.processId();
        if (pid != 1) {
            log.error("--manifest boots the system and must run as PID 1 of an initramfs, but this process is PID "
                    + pid + "; nothing was changed. Use --plan to see the steps");
            return 1;
        }
        log.info("[started] boot from " + manifestFile);

        Manifest manifest;
        try {
            PhaseClock.mark("manifest-wait");
            ManifestCheck.Result result = check.result();
            log.info(result.recordMessage());
            Report report = result.report();
            for (Finding finding : report.findings()) {
                log.error(finding.format());
            }
            if (report.hasErrors()) {
                return fail("the manifest " + manifestFile + " is invalid; nothing was mounted", null);
            }
            manifest = report.loaded().manifest();
        } catch (ManifestLoader.UnreadableManifestException e) {
            return fail(e.getMessage(), e);
        }

        PhaseClock.mark("plan");
        Planner planner = new Planner();
        Executor executor = new Executor(context, log);
        try {
            List<Step> apiSteps = planner.apiFilesystemSteps(manifest);
            int total = planner.plan(manifest, KernelCommandLine.EMPTY).steps().size();
            executor.run(apiSteps, 0, total);

            KernelCommandLine commandLine = KernelCommandLine.parse(readCommandLine(commandLineOverride));
            Plan plan = planner.plan(manifest, commandLine);
            log.info("root " + plan.rootLabel() + " chosen by the " + plan.rootSource());
            if (TRAINING) {
                return train(executor, plan, apiSteps.size());
            }
            executor.run(plan.steps(), apiSteps.size(), plan.steps().size());
            return fail("the plan ended without switch_root", null);
        } catch (Executor.StepFailedException e) {
            return fail(e.getMessage(), e);
        } catch (PlanException | IOException e) {
            return fail(e.getMessage(), e);
        }
    }

    /**
     * Runs the training run of src/sandbox/build-class-archive: every step up to switch_root, then
     * switch_root's checks, which change nothing. The caller then exits normally, and the JVM
     * writes its class archive at exit. The classes that only the switch itself loads (the initramfs deletion and
     * execve) are left out of the archive, and are loaded from the jar at boot.
     */
    private int train(Executor executor, Plan plan, int from) throws Executor.StepFailedException {
        List<Step> steps = plan.steps();
        Step last = steps.get(steps.size() - 1);
        if (!(last instanceof SwitchRoot switchRoot)) {
            return fail("the plan does not end in switch_root", null);
        }
        executor.run(steps.subList(0, steps.size() - 1), from, steps.size());
        try {
            switchRoot.checkPreconditions(kernel);
        } catch (StepFailure | NativeException e) {
            return fail("training run: the checks of switch_root failed: " + e.getMessage(), e);
        }
        log.info("training run: stopping before switch_root");
        return 0;
    }

    private String readCommandLine(String override) throws IOException {
        if (override != null) {
            return override;
        }
        try {
            return Files.readString(Path.of(PROC_CMDLINE), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException("cannot read the kernel command line from " + PROC_CMDLINE + ": " + e.getMessage(), e);
        }
    }

    /** Logs the failure and starts the emergency shell; returns 1 when there is none. */
    private int fail(String message, Throwable cause) {
        log.error("boot failed: " + message);
        if (debug && cause != null) {
            cause.printStackTrace();
        }
        try {
            FileStatus shell = kernel.status(EMERGENCY_SHELL, true);
            if (shell == null || !shell.isRegularFile()) {
                log.error("no emergency shell at " + EMERGENCY_SHELL + " in the initramfs; stopping");
                return 1;
            }
            log.error("starting the emergency shell " + EMERGENCY_SHELL);
            kernel.closeOnExecFrom(3);
            kernel.execute(EMERGENCY_SHELL, List.of(EMERGENCY_SHELL), List.of("PATH=/sbin:/usr/sbin:/bin:/usr/bin",
                    "HOME=/", "TERM=linux"));
        } catch (NativeException e) {
            log.error("cannot start the emergency shell: " + e.getMessage());
        }
        return 1;
    }
}
