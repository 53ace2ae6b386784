package dev.manifestinit.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Enables {@link NeedsRoot} tests in CI always, and elsewhere only with root in a private mount namespace. */
final class RootCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if ("true".equals(System.getenv("CI"))) {
            return ConditionEvaluationResult.enabled("CI runs every privileged test");
        }
        if (!Privileges.isRoot()) {
            return ConditionEvaluationResult.disabled(
                    "needs root for loop devices, mounts and namespaces; runs in CI, where .ci/run is root");
        }
        if (!Privileges.inPrivateMountNamespace()) {
            return ConditionEvaluationResult.disabled(
                    "the test JVM is not in a private mount namespace, so mounting would touch the host's;"
                            + " run it through Maven, which starts it with src/test/jvm/bin/java");
        }
        return ConditionEvaluationResult.enabled("root in a private mount namespace");
    }
}
