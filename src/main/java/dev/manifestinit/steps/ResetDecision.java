package dev.manifestinit.steps;

import dev.manifestinit.manifest.FactoryReset;
import dev.manifestinit.manifest.ResetGpio;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whether this boot makes a factory reset, and the u-boot variables to write before and after it.
 *
 * <p>The rules, which keep the meaning of the shell init that OpenBMC eMMC machines use:
 * <ul>
 * <li>The request variable set to {@code true} requests a reset.</li>
 * <li>With the GPIO line present and a stored level of 0 or 1, a level that differs from the
 *     stored one requests a reset.</li>
 * <li>With the GPIO line present and no stored level (the first boot), the level is stored at once
 *     and no reset follows. A stored value other than 0, 1 or the request counts as none and is
 *     replaced, so that a stray value never formats a partition.</li>
 * <li>After every reset action succeeded, the request variable is deleted and the current level is
 *     stored; both happen in one write of the environment.</li>
 * </ul>
 *
 * @param reset whether the reset actions run
 * @param reason the values that led to the decision, for the log and the boot record
 * @param storeNow variables to write before anything else, such as the level on a first boot
 * @param afterReset variables to write once every reset action succeeded; a null value deletes
 */
public record ResetDecision(boolean reset, String reason, Map<String, String> storeNow,
        Map<String, String> afterReset) {

    public ResetDecision {
        storeNow = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(storeNow));
        afterReset = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(afterReset));
    }

    /**
     * Applies the rules above.
     *
     * @param variable the request variable, or null when the manifest has none
     * @param gpio the GPIO trigger, or null when the manifest has none
     * @param environment the variables as u-boot reads them
     * @param level the line's level, empty when no chip has the line
     */
    public static ResetDecision decide(String variable, ResetGpio gpio, Map<String, String> environment,
            OptionalInt level) {
        StringBuilder reason = new StringBuilder();
        boolean requested = false;
        if (variable != null) {
            Optional<String> value = Optional.ofNullable(environment.get(variable));
            requested = value.map(FactoryReset.REQUEST_VALUE::equals).orElse(false);
            reason.append(variable).append(value.map(text -> "=" + text).orElse(" is not set"));
        }

        boolean toggled = false;
        Map<String, String> storeNow = new LinkedHashMap<>();
        String current = null;
        if (gpio != null) {
            if (reason.length() > 0) {
                reason.append(", ");
            }
            reason.append("GPIO ").append(gpio.line());
            if (level.isEmpty()) {
                reason.append(" not found");
            } else {
                current = Integer.toString(level.getAsInt());
                String stored = environment.get(gpio.storedIn());
                reason.append(" is ").append(current);
                if ("0".equals(stored) || "1".equals(stored)) {
                    toggled = !stored.equals(current);
                    reason.append(toggled ? ", changed from " : ", unchanged from ").append(stored)
                            .append(" stored in ").append(gpio.storedIn());
                } else if (gpio.storedIn().equals(variable) && FactoryReset.REQUEST_VALUE.equals(stored)) {
                    // The shared variable contains the request now, so the level is stored after the reset.
                    reason.append(", the level is stored in ").append(gpio.storedIn()).append(" after the reset");
                } else {
                    storeNow.put(gpio.storedIn(), current);
                    reason.append(stored == null ? ", no level stored in " + gpio.storedIn() + " (first boot)"
                            : ", " + gpio.storedIn() + "=" + stored + " is no stored level")
                            .append(": storing ").append(current);
                }
            }
        }

        boolean reset = requested || toggled;
        Map<String, String> afterReset = new LinkedHashMap<>();
        if (reset) {
            // The request is cleared once acted on, and the level that caused the reset becomes the stored one.
            storeNow.clear();
            if (variable != null) {
                afterReset.put(variable, null);
            }
            if (current != null) {
                afterReset.put(gpio.storedIn(), current);
            }
        }
        return new ResetDecision(reset, reason.toString(), storeNow, afterReset);
    }
}
