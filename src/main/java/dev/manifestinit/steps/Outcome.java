package dev.manifestinit.steps;

/**
 * What a step did.
 *
 * @param skipped whether the system already was as the step wanted
 * @param detail what the step found or did, for the log; empty when there is nothing to add
 */
public record Outcome(boolean skipped, String detail) {
    public static final Outcome DONE = new Outcome(false, "");

    public static Outcome done(String detail) {
        return new Outcome(false, detail);
    }

    public static Outcome skipped(String reason) {
        return new Outcome(true, reason);
    }
}
