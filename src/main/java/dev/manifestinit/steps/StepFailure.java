package dev.manifestinit.steps;

/**
 * A step could not make its change; the message names the device or path and the cause. The
 * action is what the boot does next: {@link FailureAction#EMERGENCY}, the manifest's failure
 * policy, unless the step requests another.
 */
public final class StepFailure extends Exception {
    private final FailureAction action;

    public StepFailure(String message) {
        this(message, FailureAction.EMERGENCY);
    }

    public StepFailure(String message, Throwable cause) {
        super(message, cause);
        this.action = FailureAction.EMERGENCY;
    }

    public StepFailure(String message, FailureAction action) {
        super(message);
        this.action = action;
    }

    public FailureAction action() {
        return action;
    }
}
