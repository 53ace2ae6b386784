package dev.manifestinit.exec;

import dev.manifestinit.steps.Outcome;
import dev.manifestinit.steps.Step;
import dev.manifestinit.steps.StepContext;
import java.util.List;

/** Applies steps in order, logging a start and an end line for each. */
public final class Executor {
    private final StepContext context;
    private final BootLog log;

    public Executor(StepContext context, BootLog log) {
        this.context = context;
        this.log = log;
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
            String label = number + "/" + total + " " + step.name();
            PhaseClock.mark("step-" + number + "-" + step.name());
            log.info("[started] " + label + " " + step.describe());
            long start = System.nanoTime();
            Outcome outcome;
            try {
                outcome = step.apply(context);
            } catch (Exception e) {
                log.error("[failed] " + label + " after " + elapsedMillis(start) + " ms: " + Causes.describe(e));
                throw new StepFailedException(number, step, e);
            }
            String detail = outcome.detail().isEmpty() ? "" : ": " + outcome.detail();
            if (outcome.skipped()) {
                log.info("[skipped] " + label + detail);
            } else {
                log.info("[finished] " + label + " in " + elapsedMillis(start) + " ms" + detail);
            }
        }
    }

    private static long elapsedMillis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
