package dev.manifestinit.plan;

import dev.manifestinit.boot.KernelCommandLine;
import dev.manifestinit.steps.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The steps before which {@code init.break=<step>} options on the kernel command line stop the
 * boot in the shell. A step is named by its number in the plan or by its name, which then means
 * every step of that name, such as {@code init.break=MountOverlay}.
 *
 * @param indices indices into the plan's steps, in order
 * @param unknown values that name no step of the plan
 */
public record BreakPoints(Set<Integer> indices, List<String> unknown) {
    public static final String OPTION = "init.break";

    public BreakPoints {
        indices = java.util.Collections.unmodifiableSet(new TreeSet<>(indices));
        unknown = List.copyOf(unknown);
    }

    /** Resolves every init.break option, not only the last, so that one boot can stop several times. */
    public static BreakPoints resolve(List<Step> steps, KernelCommandLine commandLine) {
        Set<Integer> indices = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        for (String value : commandLine.values(OPTION)) {
            boolean found = false;
            if (value.matches("[0-9]{1,4}")) {
                int number = Integer.parseInt(value);
                if (number >= 1 && number <= steps.size()) {
                    indices.add(number - 1);
                    found = true;
                }
            } else {
                for (int i = 0; i < steps.size(); i++) {
                    if (steps.get(i).name().equals(value)) {
                        indices.add(i);
                        found = true;
                    }
                }
            }
            if (!found) {
                unknown.add(value);
            }
        }
        return new BreakPoints(indices, unknown);
    }

    public boolean isEmpty() {
        return indices.isEmpty() && unknown.isEmpty();
    }
}
