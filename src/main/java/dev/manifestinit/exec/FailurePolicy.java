package dev.manifestinit.exec;

import dev.manifestinit.manifest.FailureAction;
import dev.manifestinit.manifest.OnFailure;
import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.steps.RequestsResponse;
import dev.manifestinit.steps.StepFailure;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the response to a failed step from the manifest's onFailure, the root sides already
 * tried in this boot, and the response the failure itself requests. It is pure, so every case is
 * tested without a kernel, and {@link Boot} carries the choice out.
 */
public final class FailurePolicy {

    /** The kinds of response to a failure. */
    public enum Kind {
        /** Undo the mounts in the new root and boot {@link Response#nextSide()} from the root mount on. */
        OTHER_SIDE,
        /** Execute the emergency shell in place of the init. */
        EMERGENCY_SHELL,
        REBOOT,
        POWER_OFF
    }

    /**
     * @param nextSide the root side to boot next, with {@link Kind#OTHER_SIDE}
     * @param explanation why, for the console line
     */
    public record Response(Kind kind, PartitionLabel nextSide, String explanation) {
        @Override
        public String toString() {
            return switch (kind) {
                case OTHER_SIDE -> "booting root side " + nextSide + " (" + explanation + ")";
                case EMERGENCY_SHELL -> "starting the emergency shell (" + explanation + ")";
                case REBOOT -> "rebooting (" + explanation + ")";
                case POWER_OFF -> "powering off (" + explanation + ")";
            };
        }
    }

    private final OnFailure onFailure;
    private final List<PartitionLabel> rootLabels;

    public FailurePolicy(OnFailure onFailure, List<PartitionLabel> rootLabels) {
        this.onFailure = onFailure;
        this.rootLabels = List.copyOf(rootLabels);
    }

    /**
     * Chooses the response to a failure.
     *
     * @param cause the step's exception, whose cause chain may carry a {@link RequestsResponse}
     * @param dependsOnRootSide whether the failed step came at or after the root mount
     * @param tried the root sides booted so far in this boot, the current one included
     * @param shellAvailable whether the shell is allowed in this boot and present in the initramfs
     */
    public Response decide(Throwable cause, boolean dependsOnRootSide, Set<PartitionLabel> tried,
            boolean shellAvailable) {
        RequestsResponse.Response requested = requestedResponse(cause);
        if (requested == RequestsResponse.Response.REBOOT) {
            return new Response(Kind.REBOOT, null, "the failed step requests a reboot");
        }
        if (requested == RequestsResponse.Response.POWER_OFF) {
            return new Response(Kind.POWER_OFF, null, "the failed step requests a power-off");
        }
        if (requested == RequestsResponse.Response.FAILURE_POLICY && onFailure.otherSide() && dependsOnRootSide) {
            Optional<PartitionLabel> next = rootLabels.stream().filter(label -> !tried.contains(label)).findFirst();
            if (next.isPresent()) {
                return new Response(Kind.OTHER_SIDE, next.get(), "onFailure.otherSide");
            }
        }
        String reason = requested == RequestsResponse.Response.FINAL_ACTION
                ? "the failed step cannot be undone, so no other root side is tried; onFailure.action"
                : onFailure.otherSide() && dependsOnRootSide ? "every root side failed; onFailure.action"
                : "onFailure.action";
        return finalAction(onFailure.action(), reason, shellAvailable);
    }

    /** onFailure's action without another root side, such as when the failed side cannot be unmounted. */
    public Response finalResponse(String reason, boolean shellAvailable) {
        return finalAction(onFailure.action(), reason + "; onFailure.action", shellAvailable);
    }

    /** Returns the response when the shell was chosen but could not be executed. */
    public Response withoutShell(String reason) {
        return finalAction(onFailure.withoutShell() == null ? FailureAction.REBOOT : onFailure.withoutShell(),
                reason + "; onFailure.withoutShell", false);
    }

    private Response finalAction(FailureAction action, String reason, boolean shellAvailable) {
        return switch (action) {
            case EMERGENCY_SHELL -> shellAvailable ? new Response(Kind.EMERGENCY_SHELL, null, reason)
                    : withoutShell("the shell is not allowed in this boot or not in the initramfs");
            case REBOOT -> new Response(Kind.REBOOT, null, reason);
            case POWER_OFF -> new Response(Kind.POWER_OFF, null, reason);
        };
    }

    /**
     * Returns the response that the failure requests: the first {@link RequestsResponse} along the
     * cause chain, or a reboot when the first {@link StepFailure} carries
     * {@link dev.manifestinit.steps.FailureAction#REBOOT} (as fsck's per-outcome actions set it), else the failure policy.
     */
    static RequestsResponse.Response requestedResponse(Throwable cause) {
        for (Throwable current = cause; current != null; current = current.getCause()) {
            if (current instanceof RequestsResponse request) {
                return request.requestedResponse();
            }
        }
        if (dev.manifestinit.steps.FailureAction.requestedBy(cause) == dev.manifestinit.steps.FailureAction.REBOOT) {
            return RequestsResponse.Response.REBOOT;
        }
        return RequestsResponse.Response.FAILURE_POLICY;
    }
}
