package dev.manifestinit.steps;

/**
 * A step failed after it changed the system in a way the boot cannot undo, such as switch_root
 * after it moved the API mounts, so the boot goes straight to the failure action.
 */
public final class IrreversibleFailure extends Exception implements RequestsResponse {
    public IrreversibleFailure(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Response requestedResponse() {
        return Response.FINAL_ACTION;
    }
}
