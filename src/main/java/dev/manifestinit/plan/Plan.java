package dev.manifestinit.plan;

import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.steps.Step;
import java.util.List;

/**
 * The ordered steps of one boot.
 *
 * @param rootLabel the root side chosen for this boot
 * @param rootSource where the choice came from, such as "kernel command line" or "manifest default"
 * @param rootMountIndex the index in {@code steps} of the root mount; this step and those after it
 *     depend on the root side, so booting another side starts again there
 * @param policies one line each for the failure policy, the shell and the factory reset, as
 *     {@code --plan} shows them above the steps
 */
public record Plan(List<Step> steps, PartitionLabel rootLabel, String rootSource, int rootMountIndex,
        List<String> policies) {

    public Plan {
        steps = List.copyOf(steps);
        policies = List.copyOf(policies);
    }

    /** Formats the plan one numbered step a line, as {@code --plan} prints it. */
    public String format() {
        StringBuilder text = new StringBuilder();
        text.append("root: ").append(rootLabel).append(" (").append(rootSource).append(")\n");
        for (String policy : policies) {
            text.append(policy).append('\n');
        }
        int width = String.valueOf(steps.size()).length();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            text.append(String.format("%" + width + "d. %s %s%n", i + 1, step.name(), step.describe()));
        }
        return text.toString();
    }
}
