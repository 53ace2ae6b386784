package dev.manifestinit.steps;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.FactoryReset;
import dev.manifestinit.manifest.ResetGpio;
import dev.manifestinit.uboot.EnvironmentConfig;
import dev.manifestinit.uboot.InvalidEnvironmentException;
import dev.manifestinit.uboot.UbootEnvironment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Reads the factory reset triggers from the u-boot environment and the GPIO line and decides
 * whether this boot resets. Writes the environment only on a first boot with the GPIO line, to
 * store its level; the reset actions that follow act on the decision.
 */
public final class ReadResetTriggers implements Step {
    private final AbsolutePath environmentConfig;
    private final String variable;
    private final ResetGpio gpio;

    /**
     * @param variable the request variable, or null
     * @param gpio the GPIO trigger, or null
     */
    public ReadResetTriggers(AbsolutePath environmentConfig, String variable, ResetGpio gpio) {
        this.environmentConfig = environmentConfig;
        this.variable = variable;
        this.gpio = gpio;
    }

    @Override
    public String describe() {
        StringBuilder text = new StringBuilder();
        if (variable != null) {
            text.append("u-boot variable ").append(variable).append('=').append(FactoryReset.REQUEST_VALUE);
        }
        if (gpio != null) {
            text.append(text.length() > 0 ? ", or " : "").append("GPIO ").append(gpio.line())
                    .append(" changed against the level stored in ").append(gpio.storedIn());
        }
        return text.append(" (environment located by ").append(environmentConfig).append(')').toString();
    }

    @Override
    public Outcome apply(StepContext context) throws StepFailure {
        UbootEnvironment environment;
        try {
            environment = UbootEnvironment.read(EnvironmentConfig.read(Path.of(environmentConfig.value())));
        } catch (InvalidEnvironmentException e) {
            throw new StepFailure("cannot read the factory reset triggers: " + e.getMessage(), e);
        }
        OptionalInt level = gpio == null ? OptionalInt.empty() : context.gpio().readLevel(gpio.line());

        if (!environment.valid()) {
            // A fresh eMMC has no saved environment yet, and u-boot then runs on its built-in one.
            // Writing one now would drop those built-in variables, so nothing is stored or reset.
            ResetDecision decision = new ResetDecision(false, "no copy of the u-boot environment has a valid CRC ("
                    + String.join("; ", environment.problems()) + "), so no trigger can be read", Map.of(), Map.of());
            return record(context, decision, environment, level);
        }

        ResetDecision decision = ResetDecision.decide(variable, gpio, environment.variables(), level);
        if (!decision.storeNow().isEmpty()) {
            try {
                environment.update(decision.storeNow());
            } catch (InvalidEnvironmentException e) {
                throw new StepFailure("cannot store the GPIO level: " + e.getMessage(), e);
            }
        }
        return record(context, decision, environment, level);
    }

    private static Outcome record(StepContext context, ResetDecision decision, UbootEnvironment environment,
            OptionalInt level) {
        context.recordResetDecision(decision);
        Map<String, Object> fact = new LinkedHashMap<>();
        fact.put("reset", decision.reset());
        fact.put("reason", decision.reason());
        fact.put("environment", environment.toString());
        fact.put("gpioLevel", level.isPresent() ? (Object) level.getAsInt() : null);
        fact.put("stored", decision.storeNow());
        context.recordFact("factoryReset", fact);
        return Outcome.done((decision.reset() ? "factory reset requested: " : "no factory reset: ") + decision.reason());
    }
}
