package dev.manifestinit.steps;

/** One change the boot makes to the system, with every value resolved when the plan is made. */
public interface Step {

    /** The step's kind, such as {@code MountFilesystem}. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** One line naming what the step changes: device, mount point, type and options. */
    String describe();

    /**
     * Makes the change, or returns {@link Outcome#skipped} when the system already is as wanted.
     * Throws with a message naming the device or path and the cause.
     */
    Outcome apply(StepContext context) throws Exception;
}
