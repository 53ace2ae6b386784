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
import dev.manifestinit.validation.Finding;
import dev.manifestinit.validation.ManifestValidator;
import dev.manifestinit.validation.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The boot as PID 1: validate the manifest, mount the API filesystems, read the kernel command
 * line, plan, and apply the steps up to switch_root. On a failure the console gets one message
 * naming the step and the cause, then the emergency shell when the initramfs has one.
 */
public final class Boot {
    private static final String EMERGENCY_SHELL = "/bin/sh";
    private static final String PROC_CMDLINE = "/proc/cmdline";

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
     * could be started, with the exit status for the process.
     *
     * @param commandLineOverride the kernel command line to use instead of /proc/cmdline, or null
     */
    public int run(Path manifestFile, String commandLineOverride) {
        int pid = kernel.processId();
        if (pid != 1) {
            log.error("--manifest boots the system and must run as PID 1 of an initramfs, but this process is PID "
                    + pid + "; nothing was changed. Use --plan to see the steps");
            return 1;
        }
        log.info("[started] boot from " + manifestFile);

        Manifest manifest;
        try {
            Report report = new ManifestValidator().validate(manifestFile, manifestFile.toString());
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

        Planner planner = new Planner();
        Executor executor = new Executor(context, log);
        try {
            List<Step> apiSteps = planner.apiFilesystemSteps(manifest);
            int total = planner.plan(manifest, KernelCommandLine.EMPTY).steps().size();
            executor.run(apiSteps, 0, total);

            KernelCommandLine commandLine = KernelCommandLine.parse(readCommandLine(commandLineOverride));
            Plan plan = planner.plan(manifest, commandLine);
            log.info("root " + plan.rootLabel() + " chosen by the " + plan.rootSource());
            executor.run(plan.steps(), apiSteps.size(), plan.steps().size());
            return fail("the plan ended without switch_root", null);
        } catch (Executor.StepFailedException e) {
            return fail(e.getMessage(), e);
        } catch (PlanException | IOException e) {
            return fail(e.getMessage(), e);
        }
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
