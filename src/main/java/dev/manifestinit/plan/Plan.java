package dev.manifestinit.plan;

import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.steps.Step;
import java.util.List;

/**
 * The ordered steps of one boot.
 *
 * @param rootLabel the root side chosen for this boot
 * @param rootSource where the choice came from, such as "kernel command line" or "manifest default"
 */
public record Plan(List<Step> steps, PartitionLabel rootLabel, String rootSource) {

    public Plan {
        steps = List.copyOf(steps);
    }

    /** Formats the plan one numbered step a line, as {@code --plan} prints it. */
    public String format() {
        StringBuilder text = new StringBuilder();
        text.append("root: ").append(rootLabel).append(" (").append(rootSource).append(")\n");
        int width = String.valueOf(steps.size()).length();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            text.append(String.format("%" + width + "d. %s %s%n", i + 1, step.name(), step.describe()));
        }
        return text.toString();
    }
}
