package dev.manifestinit.steps;

/**
 * Implemented by a step failure that requests a particular response instead of the whole
 * failure policy of the manifest. The boot looks for it along the failure's cause chain.
 */
public interface RequestsResponse {

    /** The responses a failed step can request. */
    enum Response {
        /** The manifest's onFailure as declared: the other root side if allowed, then its action. */
        FAILURE_POLICY,
        /** onFailure's action without trying another root side, because the step changed too much to undo. */
        FINAL_ACTION,
        /** A reboot, whatever onFailure declares, such as after fsck repaired a filesystem that needs one. */
        REBOOT,
        /** A power-off, whatever onFailure declares. */
        POWER_OFF
    }

    Response requestedResponse();
}
