package dev.manifestinit.steps;

/**
 * The next thing a failed step requests of the boot. A step sets it on its {@link StepFailure} when the
 * manifest declared the consequence at the step itself, such as fsck's {@code onUncorrected:
 * reboot}. Whoever applies the failure policy reads it with {@link #requestedBy}.
 */
public enum FailureAction {
    /**
     * Apply the manifest's failure policy (emergency shell, reboot, power off or the other root
     * side, as it sets), as for any failed step. Every failure without an action of its own is this.
     */
    EMERGENCY,
    /**
     * Reboot at once (sync, then reboot(2) with LINUX_REBOOT_CMD_RESTART), whatever the failure
     * policy sets, because the manifest asked for a reboot at this step.
     */
    REBOOT;

    /**
     * Returns the action that the first {@link StepFailure} in {@code failure}'s cause chain
     * requests, or {@link #EMERGENCY} when there is none, such as for a failed system call.
     */
    public static FailureAction requestedBy(Throwable failure) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            if (current instanceof StepFailure stepFailure) {
                return stepFailure.action();
            }
        }
        return EMERGENCY;
    }
}
