package dev.manifestinit.exec;

import dev.manifestinit.steps.Outcome;
import dev.manifestinit.steps.Step;
import dev.manifestinit.steps.StepContext;
import java.util.List;
import java.util.Map;

/** Applies steps in order, logging a start and an end line for each and adding each to the boot record. */
public final class Executor {
    private final StepContext context;
    private final BootLog log;
    private final BootRecord record;
    private BeforeStep beforeStep = (index, step) -> { };

    /** Called before each step starts, such as to stop in a shell for init.break. */
    public interface BeforeStep {
        /** @param index the step's 0-based index in the plan */
        void run(int index, Step step);
    }

    public Executor(StepContext context, BootLog log) {
        this(context, log, new BootRecord());
    }

    public Executor(StepContext context, BootLog log, BootRecord record) {
        this.context = context;
        this.log = log;
        this.record = record;
    }

    public void setBeforeStep(BeforeStep beforeStep) {
        this.beforeStep = beforeStep;
    }

    /**
     * A step that failed: which one, and why.
     *
     * @param number the 1-based step number in the plan
     */
    public static final class StepFailedException extends Exception {
        private final int number;
        private final Step step;

        StepFailedException(int number, Step step, Throwable cause) {
            super("step " + number + " " + step.name() + " failed: " + Causes.describe(cause), cause);
            this.number = number;
            this.step = step;
        }

        public int number() {
            return number;
        }

        public Step step() {
            return step;
        }
    }

    /** Applies {@code steps[from..]}; {@code total} is the plan's size, for the numbering. */
    public void run(List<Step> steps, int from, int total) throws StepFailedException {
        for (int i = from; i < steps.size(); i++) {
            Step step = steps.get(i);
            int number = i + 1;
            // The step is in the record before the hook writes it, so that a record written just
            // before switch_root lists SwitchRoot as started.
            Map<String, Object> entry = record.start(number, step.name(), step.describe());
            beforeStep.run(i, step);
            String label = number + "/" + total + " " + step.name();
            PhaseClock.mark("step-" + number + "-" + step.name());
            log.info("[started] " + label + " " + step.describe());
            long start = System.nanoTime();
            Outcome outcome;
            try {
                outcome = step.apply(context);
            } catch (Exception e) {
                long elapsed = elapsedMillis(start);
                log.error("[failed] " + label + " after " + elapsed + " ms: " + Causes.describe(e));
                BootRecord.finish(entry, "failed", elapsed, Causes.describe(e));
                throw new StepFailedException(number, step, e);
            }
            long elapsed = elapsedMillis(start);
            String detail = outcome.detail().isEmpty() ? "" : ": " + outcome.detail();
            if (outcome.skipped()) {
                log.info("[skipped] " + label + " in " + elapsed + " ms" + detail);
            } else {
                log.info("[finished] " + label + " in " + elapsed + " ms" + detail);
            }
            BootRecord.finish(entry, outcome.skipped() ? "skipped" : "finished", elapsed, outcome.detail());
        }
    }

    private static long elapsedMillis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
