package dev.manifestinit.exec;

import dev.manifestinit.boot.KernelCommandLine;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.ManifestLoader;
import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.os.FileStatus;
import dev.manifestinit.os.Kernel;
import dev.manifestinit.os.NativeException;
import dev.manifestinit.os.RebootCommand;
import dev.manifestinit.plan.BreakPoints;
import dev.manifestinit.plan.Plan;
import dev.manifestinit.plan.PlanException;
import dev.manifestinit.plan.Planner;
import dev.manifestinit.plan.Policies;
import dev.manifestinit.steps.FsckResult;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The boot as PID 1: validate the manifest (on a second thread, skipping the bean constraints when
 * its validation record matches, see {@link ManifestCheck}), mount the API filesystems, read the
 * kernel command line, plan, and apply the steps up to switch_root. A failed step leads to what the manifest's
 * onFailure declares: another root side, the emergency shell, a reboot or a power-off. The console
 * gets one line naming the step, what it acted on, the cause and the response.
 *
 * <p>A manifest that cannot be read or is invalid has no policy to follow: the init then starts
 * no shell and exits with status 1, so the kernel panics and its panic= option decides whether
 * the machine restarts.
 */
public final class Boot {
    private static final String PROC_CMDLINE = "/proc/cmdline";
    /**
     * -Dmanifest-init.training=true makes the boot stop before switch_root and return 0, so that the
     * JVM exits and writes the class archive that the training run asked for.
     */
    private static final boolean TRAINING = Boolean.getBoolean("manifest-init.training");
    /** Variables the initramfs sets for the JVM only, kept from a shell like from the target init. */
    private static final List<String> PRIVATE_VARIABLES = List.of("LD_LIBRARY_PATH", "JAVA_TOOL_OPTIONS",
            "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private final Kernel kernel;
    private final StepContext context;
    private final BootLog log;
    private final boolean debug;
    private final BootRecord record = new BootRecord();
    private final Path recordPath;

    public Boot(Kernel kernel, StepContext context, BootLog log, boolean debug) {
        this(kernel, context, log, debug, BootRecord.PATH);
    }

    /** @param recordPath where the boot record goes, {@link BootRecord#PATH} in a real boot */
    public Boot(Kernel kernel, StepContext context, BootLog log, boolean debug, Path recordPath) {
        this.kernel = kernel;
        this.context = context;
        this.log = log;
        this.debug = debug;
        this.recordPath = recordPath;
        record.useFacts(context.facts());
    }

    /**
     * Boots from {@code manifestFile}. Returns only when the boot failed and no failure action
     * could take over, with the exit status for the process, or with 0 after a training run.
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
        // java.vm.info names "sharing" only when the JVM maps a class archive: a mismatched one
        // is ignored silently, and this line shows it.
        log.info("[started] boot from " + manifestFile + " on Java " + System.getProperty("java.vm.version") + " ("
                + System.getProperty("java.vm.info") + ")");
        record.put("manifest", manifestFile.toString());

        if (!check.isDone()) {
            // The main thread would only wait for the check, so it does now some of what the
            // steps would otherwise do at their first native calls.
            PhaseClock.mark("prepare");
            while (!check.isDone() && kernel.prepareNext()) {
                // Each preparation makes a few native calls, so the main thread stops soon after the check ends.
            }
        }

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
                return stop("the manifest " + manifestFile + " is invalid; nothing was mounted", null);
            }
            manifest = report.loaded().manifest();
        } catch (ManifestLoader.UnreadableManifestException e) {
            return stop(e.getMessage(), e);
        }
        record.put("machine", manifest.machine());
        PhaseClock.mark("plan");
        return new Attempt(manifest).run(commandLineOverride);
    }

    /** One boot from a valid manifest, which may try several root sides. */
    private final class Attempt {
        private final Manifest manifest;
        private final Planner planner = new Planner();
        private final Executor executor = new Executor(context, log, record);
        private final FailurePolicy policy;
        private final Set<PartitionLabel> tried = new LinkedHashSet<>();
        private KernelCommandLine commandLine = KernelCommandLine.EMPTY;
        private Plan plan;

        Attempt(Manifest manifest) {
            this.manifest = manifest;
            this.policy = new FailurePolicy(manifest.onFailure(), manifest.root().labels());
        }

        int run(String commandLineOverride) {
            List<Step> apiSteps = planner.apiFilesystemSteps(manifest);
            try {
                int total = planner.plan(manifest, KernelCommandLine.EMPTY).steps().size();
                executor.run(apiSteps, 0, total);
            } catch (Executor.StepFailedException e) {
                return respond(e.number() + "/" + apiSteps.size() + " " + e.step().name() + " ("
                        + e.step().describe() + ")", e.number(), e.getCause(), false);
            } catch (PlanException e) {
                return respond("planning", 0, e, false);
            }

            try {
                commandLine = KernelCommandLine.parse(readCommandLine(commandLineOverride));
                record.put("commandLine", commandLine.toString());
                plan = planner.plan(manifest, commandLine);
            } catch (IOException | PlanException e) {
                return respond("planning", 0, e, false);
            }
            setUpBreakPoints();

            int from = apiSteps.size();
            if (TRAINING) {
                return train(from);
            }
            while (true) {
                tried.add(plan.rootLabel());
                record.put("root", plan.rootLabel().value());
                record.put("rootSource", plan.rootSource());
                log.info("root " + plan.rootLabel() + " chosen by the " + plan.rootSource());
                try {
                    executor.run(plan.steps(), from, plan.steps().size());
                    return stop("the plan ended without switch_root", null);
                } catch (Executor.StepFailedException e) {
                    int index = e.number() - 1;
                    String step = e.number() + "/" + plan.steps().size() + " " + e.step().name() + " ("
                            + e.step().describe() + ")";
                    FailurePolicy.Response response = policy.decide(e.getCause(), index >= plan.rootMountIndex(),
                            tried, shellAvailable());
                    if (response.kind() != FailurePolicy.Kind.OTHER_SIDE) {
                        return respond(step, e.number(), e.getCause(), true);
                    }
                    announce(step, e.number(), e.getCause(), response);
                    if (!undoRootMounts()) {
                        return act(policy.finalResponse("the mounts of the failed side cannot be undone",
                                shellAvailable()));
                    }
                    plan = planner.plan(manifest, commandLine, response.nextSide(),
                            "manifest's onFailure.otherSide after " + plan.rootLabel() + " failed at step " + e.number());
                    from = plan.rootMountIndex();
                }
            }
        }

        /**
         * Runs the training run of src/sandbox/build-class-archive: every step up to switch_root,
         * then switch_root's checks, which change nothing. The caller then exits normally, and the
         * JVM writes its class archive at exit. The classes that only the switch itself loads (the
         * initramfs deletion and execve) are left out of the archive and load from the jar at boot.
         */
        private int train(int from) {
            List<Step> steps = plan.steps();
            if (!(steps.get(steps.size() - 1) instanceof SwitchRoot switchRoot)) {
                return stop("training run: the plan does not end in switch_root", null);
            }
            log.info("root " + plan.rootLabel() + " chosen by the " + plan.rootSource());
            try {
                executor.run(steps.subList(0, steps.size() - 1), from, steps.size());
                switchRoot.checkPreconditions(kernel);
            } catch (Executor.StepFailedException | StepFailure | NativeException e) {
                return stop("training run: " + Causes.describe(e), e);
            }
            log.info("training run: stopping before switch_root");
            return 0;
        }

        /** Chooses and carries out the response to a failure; returns only if none could take over. */
        private int respond(String step, int number, Throwable cause, boolean dependsOnRootSide) {
            FailurePolicy.Response response = policy.decide(cause, dependsOnRootSide, tried, shellAvailable());
            announce(step, number, cause, response);
            return act(response);
        }

        private void announce(String step, int number, Throwable cause, FailurePolicy.Response response) {
            String causeText = Causes.describe(cause);
            log.error("boot failed at step " + step + ": " + causeText + "; next: " + response);
            if (debug && cause != null) {
                cause.printStackTrace();
            }
            record.addFailure(number, step, causeText, response.toString());
        }

        private int act(FailurePolicy.Response response) {
            switch (response.kind()) {
                case EMERGENCY_SHELL -> {
                    record.setOutcome("emergency shell");
                    writeRecord();
                    String failure = executeShell();
                    return act(policy.withoutShell("the shell could not be executed: " + failure));
                }
                case REBOOT -> {
                    return reboot(RebootCommand.RESTART, "rebooting");
                }
                case POWER_OFF -> {
                    return reboot(RebootCommand.POWER_OFF, "powering off");
                }
                default -> throw new IllegalStateException("no action for " + response.kind());
            }
        }

        private int reboot(RebootCommand command, String what) {
            record.setOutcome(what);
            writeRecord();
            log.error(what + " now");
            try {
                kernel.reboot(command);
            } catch (NativeException e) {
                log.error(what + " failed: " + e.getMessage() + "; stopping with exit status 1");
            }
            return 1;
        }

        /** Executes the shell in place of this process; returns why it could not. */
        private String executeShell() {
            String shell = manifest.shell().path().value();
            log.error("starting the emergency shell " + shell + " on the console; the boot stops here");
            try {
                kernel.closeOnExecFrom(3);
                kernel.execute(shell, List.of(shell), shellEnvironment());
                return "execve returned";
            } catch (NativeException e) {
                return e.getMessage();
            }
        }

        private boolean shellAvailable() {
            if (!Policies.shellAllowed(manifest.shell(), commandLine)) {
                return false;
            }
            try {
                FileStatus status = kernel.status(manifest.shell().path().value(), true);
                return status != null && status.isRegularFile() && status.isExecutable();
            } catch (NativeException e) {
                return false;
            }
        }

        private boolean undoRootMounts() {
            try {
                List<String> unmounted = MountsBelow.unmount(kernel, manifest.root().mountpoint());
                log.info("unmounted " + String.join(", ", unmounted.isEmpty() ? List.of("nothing") : unmounted)
                        + " to boot another root side");
                return true;
            } catch (IOException e) {
                log.error("cannot unmount the failed root side from " + manifest.root().mountpoint() + ": "
                        + Causes.describe(e));
                return false;
            }
        }

        private void setUpBreakPoints() {
            BreakPoints breaks = BreakPoints.resolve(plan.steps(), commandLine);
            if (breaks.isEmpty()) {
                executor.setBeforeStep((index, step) -> beforeStep(step));
                return;
            }
            for (String unknown : breaks.unknown()) {
                log.error(BreakPoints.OPTION + "=" + unknown + " names no step of this boot; it is ignored."
                        + " Give a step number or name as --plan shows them");
            }
            if (!Policies.shellAllowed(manifest.shell(), commandLine)) {
                log.error(BreakPoints.OPTION + " is ignored: the manifest does not allow the shell in this boot");
                executor.setBeforeStep((index, step) -> beforeStep(step));
                return;
            }
            executor.setBeforeStep((index, step) -> {
                beforeStep(step);
                if (breaks.indices().contains(index)) {
                    breakInShell(index, step);
                }
            });
        }

        /** Writes the record, which the target system reads in /run after a switch_root. */
        private void beforeStep(Step step) {
            if (step instanceof SwitchRoot) {
                record.setOutcome("switch_root to " + plan.rootLabel());
            }
            writeRecord();
        }

        /** Runs the shell as a child on the console and goes on with the boot when it exits. */
        private void breakInShell(int index, Step step) {
            String shell = manifest.shell().path().value();
            log.info(BreakPoints.OPTION + ": stopping before step " + (index + 1) + " " + step.name()
                    + "; exit the shell " + shell + " to go on with the boot");
            try {
                ProcessBuilder builder = new ProcessBuilder(shell).inheritIO();
                Map<String, String> environment = builder.environment();
                PRIVATE_VARIABLES.forEach(environment::remove);
                int status = builder.start().waitFor();
                log.info(BreakPoints.OPTION + ": the shell exited with status " + status + "; going on with step "
                        + (index + 1) + " " + step.name());
            } catch (IOException e) {
                log.error(BreakPoints.OPTION + ": cannot start " + shell + ": " + Causes.describe(e) + "; going on");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.error(BreakPoints.OPTION + ": interrupted while waiting for " + shell + "; going on");
            }
        }
    }

    /** Ends a boot that has no failure policy to follow, such as with an invalid manifest. */
    private int stop(String message, Throwable cause) {
        log.error("boot failed: " + message + "; no failure policy applies, so the init exits with status 1"
                + " and the kernel's panic= setting decides what follows");
        if (debug && cause != null) {
            cause.printStackTrace();
        }
        record.setOutcome("stopped");
        writeRecord();
        return 1;
    }

    private void writeRecord() {
        List<Map<String, Object>> fsck = new ArrayList<>();
        for (FsckResult result : context.fsckResults()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("label", result.label().value());
            entry.put("device", result.device());
            entry.put("command", String.join(" ", result.command()));
            entry.put("exitStatus", result.exitStatus());
            entry.put("signal", result.signal());
            entry.put("outcome", result.outcome().map(Object::toString).orElse(null));
            entry.put("action", result.action().map(Object::toString).orElse(null));
            entry.put("output", result.output());
            fsck.add(entry);
        }
        record.put("fsck", fsck);
        try {
            record.write(recordPath);
        } catch (IOException e) {
            // Before /run is mounted, or on a full tmpfs, the record cannot be written; the console
            // and the kernel log still have every line.
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

    private static List<String> shellEnvironment() {
        List<String> environment = new ArrayList<>();
        for (Map.Entry<String, String> variable : System.getenv().entrySet()) {
            if (!PRIVATE_VARIABLES.contains(variable.getKey())) {
                environment.add(variable.getKey() + "=" + variable.getValue());
            }
        }
        return environment;
    }
}
