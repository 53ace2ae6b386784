package dev.manifestinit.steps;

/** A step could not make its change; the message names the device or path and the cause. */
public final class StepFailure extends Exception {
    public StepFailure(String message) {
        super(message);
    }

    public StepFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
