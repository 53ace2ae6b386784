package dev.manifestinit.plan;

/** The boot context does not fit the manifest, such as a root label the manifest does not allow. */
public final class PlanException extends Exception {
    public PlanException(String message) {
        super(message);
    }
}
