package dev.manifestinit.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.manifestinit.manifest.FailureAction;
import dev.manifestinit.manifest.OnFailure;
import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.steps.RequestsResponse;
import dev.manifestinit.steps.StepFailure;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FailurePolicyTest {
    private static final PartitionLabel A = new PartitionLabel("rofs-a");
    private static final PartitionLabel B = new PartitionLabel("rofs-b");
    private static final OnFailure SHELL_THEN_REBOOT = new OnFailure(false, FailureAction.EMERGENCY_SHELL,
            FailureAction.REBOOT);
    private static final OnFailure OTHER_SIDE_THEN_SHELL = new OnFailure(true, FailureAction.EMERGENCY_SHELL,
            FailureAction.POWER_OFF);
    private static final OnFailure OTHER_SIDE_THEN_REBOOT = new OnFailure(true, FailureAction.REBOOT, null);

    /** A failure that requests a response of its own, as a fsck policy or switch_root may. */
    static final class Requesting extends Exception implements RequestsResponse {
        private final Response response;

        Requesting(Response response) {
            super("requesting " + response);
            this.response = response;
        }

        @Override
        public Response requestedResponse() {
            return response;
        }
    }

    static Stream<Arguments> cases() {
        Throwable plain = new StepFailure("mount failed");
        return Stream.of(
                row("shell allowed and present", SHELL_THEN_REBOOT, plain, true, Set.of(A), true,
                        FailurePolicy.Kind.EMERGENCY_SHELL, null),
                row("shell not available", SHELL_THEN_REBOOT, plain, true, Set.of(A), false,
                        FailurePolicy.Kind.REBOOT, null),
                row("other side first", OTHER_SIDE_THEN_SHELL, plain, true, Set.of(A), true,
                        FailurePolicy.Kind.OTHER_SIDE, B),
                row("other side from rofs-b", OTHER_SIDE_THEN_SHELL, plain, true, Set.of(B), true,
                        FailurePolicy.Kind.OTHER_SIDE, A),
                row("both sides failed", OTHER_SIDE_THEN_SHELL, plain, true, Set.of(A, B), false,
                        FailurePolicy.Kind.POWER_OFF, null),
                row("failure before the root mount", OTHER_SIDE_THEN_REBOOT, plain, false, Set.of(A), true,
                        FailurePolicy.Kind.REBOOT, null),
                row("step asks for a reboot", OTHER_SIDE_THEN_SHELL,
                        new StepFailure("fsck", new Requesting(RequestsResponse.Response.REBOOT)), true, Set.of(A),
                        true, FailurePolicy.Kind.REBOOT, null),
                row("fsck action asks for a reboot", OTHER_SIDE_THEN_SHELL,
                        new StepFailure("fsck.ext4 exited with 4", dev.manifestinit.steps.FailureAction.REBOOT), true,
                        Set.of(A), true, FailurePolicy.Kind.REBOOT, null),
                row("fsck action asks for the policy", OTHER_SIDE_THEN_SHELL,
                        new StepFailure("fsck.ext4 exited with 4", dev.manifestinit.steps.FailureAction.EMERGENCY), true,
                        Set.of(A), true, FailurePolicy.Kind.OTHER_SIDE, B),
                row("step asks for a power-off", SHELL_THEN_REBOOT,
                        new Requesting(RequestsResponse.Response.POWER_OFF), true, Set.of(A), true,
                        FailurePolicy.Kind.POWER_OFF, null),
                row("step cannot be undone", OTHER_SIDE_THEN_SHELL,
                        new Requesting(RequestsResponse.Response.FINAL_ACTION), true, Set.of(A), true,
                        FailurePolicy.Kind.EMERGENCY_SHELL, null),
                row("switch_root failed halfway", OTHER_SIDE_THEN_SHELL,
                        new dev.manifestinit.steps.IrreversibleFailure("moved /dev", new StepFailure("EINVAL")), true,
                        Set.of(A), false, FailurePolicy.Kind.POWER_OFF, null),
                row("step asks for the policy", OTHER_SIDE_THEN_REBOOT,
                        new Requesting(RequestsResponse.Response.FAILURE_POLICY), true, Set.of(A), false,
                        FailurePolicy.Kind.OTHER_SIDE, B));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void responseFollowsPolicy(String name, OnFailure onFailure, Throwable cause, boolean dependsOnRootSide,
            Set<PartitionLabel> tried, boolean shellAvailable, FailurePolicy.Kind kind, PartitionLabel next) {
        FailurePolicy.Response response = new FailurePolicy(onFailure, List.of(A, B))
                .decide(cause, dependsOnRootSide, tried, shellAvailable);
        assertEquals(kind, response.kind(), response.toString());
        assertEquals(next, response.nextSide(), response.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withoutShellCases")
    void shellThatFailsToStartFallsBack(OnFailure onFailure, FailurePolicy.Kind expected) {
        assertEquals(expected, new FailurePolicy(onFailure, List.of(A, B)).withoutShell("execve failed").kind());
    }

    static Stream<Arguments> withoutShellCases() {
        return Stream.of(Arguments.of(SHELL_THEN_REBOOT, FailurePolicy.Kind.REBOOT),
                Arguments.of(OTHER_SIDE_THEN_SHELL, FailurePolicy.Kind.POWER_OFF),
                Arguments.of(OTHER_SIDE_THEN_REBOOT, FailurePolicy.Kind.REBOOT));
    }

    private static Arguments row(String name, OnFailure onFailure, Throwable cause, boolean dependsOnRootSide,
            Set<PartitionLabel> tried, boolean shellAvailable, FailurePolicy.Kind kind, PartitionLabel next) {
        return Arguments.of(name, onFailure, cause, dependsOnRootSide, tried, shellAvailable, kind, next);
    }
}
