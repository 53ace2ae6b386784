package dev.manifestinit.steps;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.uboot.EnvironmentConfig;
import dev.manifestinit.uboot.InvalidEnvironmentException;
import dev.manifestinit.uboot.UbootEnvironment;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Clears the factory reset request and stores the GPIO level in the u-boot environment, in one
 * write. It runs after every reset action, so a boot that stops earlier, such as at a power cut,
 * leaves the request in place and the next boot resets again.
 */
public final class ClearResetRequest implements Step {
    private final AbsolutePath environmentConfig;

    public ClearResetRequest(AbsolutePath environmentConfig) {
        this.environmentConfig = environmentConfig;
    }

    @Override
    public String describe() {
        return "after a factory reset, in the u-boot environment located by " + environmentConfig;
    }

    @Override
    public Outcome apply(StepContext context) throws StepFailure {
        ResetDecision decision = context.resetDecision();
        if (!decision.reset()) {
            return Outcome.skipped("no factory reset was made");
        }
        try {
            // The environment is read again, so that the write starts from what is on the device now.
            UbootEnvironment environment = UbootEnvironment.read(EnvironmentConfig.read(Path.of(environmentConfig.value())));
            environment.update(decision.afterReset());
        } catch (InvalidEnvironmentException e) {
            throw new StepFailure("the factory reset is done but its request cannot be cleared, so the next boot"
                    + " resets again: " + e.getMessage(), e);
        }
        context.recordFact("factoryResetCleared", true);
        return Outcome.done(decision.afterReset().entrySet().stream()
                .map(ClearResetRequest::describe)
                .collect(Collectors.joining(", ")));
    }

    private static String describe(Map.Entry<String, String> change) {
        return change.getValue() == null ? "deleted " + change.getKey() : "set " + change.getKey() + "=" + change.getValue();
    }
}
