package dev.manifestinit.plan;

import dev.manifestinit.boot.KernelCommandLine;
import dev.manifestinit.manifest.FactoryReset;
import dev.manifestinit.manifest.FailureAction;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.OnFailure;
import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.manifest.Reformat;
import dev.manifestinit.manifest.Shell;
import dev.manifestinit.steps.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The failure policy, the shell and the factory reset in force for one boot, as text for --plan. */
public final class Policies {
    private Policies() {
    }

    /**
     * Returns whether the emergency shell may start in a boot with {@code commandLine}. With
     * {@code allow: never} it never may, whatever the command line contains.
     */
    public static boolean shellAllowed(Shell shell, KernelCommandLine commandLine) {
        return switch (shell.allow()) {
            case NEVER -> false;
            case ALWAYS -> true;
            case FLAG -> commandLine.hasFlag(shell.flag());
        };
    }

    static List<String> describe(Manifest manifest, KernelCommandLine commandLine, PartitionLabel rootLabel,
            List<Step> steps) {
        List<String> lines = new ArrayList<>();
        lines.add("on failure: " + describeFailure(manifest, rootLabel));
        lines.add("shell: " + describeShell(manifest.shell(), commandLine));
        FactoryReset reset = manifest.factoryReset();
        lines.add("factory reset: " + (reset == null ? "none" : describeReset(reset)));
        BreakPoints breaks = BreakPoints.resolve(steps, commandLine);
        if (!breaks.isEmpty()) {
            lines.add(BreakPoints.OPTION + ": " + describeBreaks(breaks, steps, shellAllowed(manifest.shell(), commandLine)));
        }
        return lines;
    }

    private static String describeBreaks(BreakPoints breaks, List<Step> steps, boolean shellAllowed) {
        List<String> parts = new ArrayList<>();
        for (int index : breaks.indices()) {
            parts.add("before " + (index + 1) + ". " + steps.get(index).name());
        }
        for (String unknown : breaks.unknown()) {
            parts.add(unknown + " names no step");
        }
        String text = String.join(", ", parts);
        return shellAllowed ? text : "ignored because the shell is not allowed (" + text + ")";
    }

    private static String describeFailure(Manifest manifest, PartitionLabel rootLabel) {
        OnFailure onFailure = manifest.onFailure();
        StringBuilder text = new StringBuilder();
        if (onFailure.otherSide()) {
            List<String> others = manifest.root().labels().stream()
                    .filter(label -> !label.equals(rootLabel))
                    .map(PartitionLabel::value)
                    .toList();
            text.append("from the root mount on, boot ").append(String.join(", then ", others)).append(" once; then ");
        }
        text.append(onFailure.action());
        if (onFailure.action() == FailureAction.EMERGENCY_SHELL) {
            text.append(", or ").append(onFailure.withoutShell()).append(" when the shell is not allowed or missing");
        }
        if (!onFailure.otherSide()) {
            text.append("; no other root side is tried");
        }
        return text.toString();
    }

    private static String describeShell(Shell shell, KernelCommandLine commandLine) {
        return switch (shell.allow()) {
            case NEVER -> "never, whatever the kernel command line says";
            case ALWAYS -> shell.path() + ", always allowed";
            case FLAG -> shell.path() + ", allowed only with the kernel command line flag " + shell.flag()
                    + (commandLine.hasFlag(shell.flag()) ? ", which this command line has"
                            : ", which this command line lacks");
        };
    }

    private static String describeReset(FactoryReset reset) {
        List<String> triggers = new ArrayList<>();
        if (reset.variable() != null) {
            triggers.add("u-boot " + reset.variable() + "=" + FactoryReset.REQUEST_VALUE);
        }
        if (reset.gpio() != null) {
            triggers.add("GPIO " + reset.gpio().line() + " changed against " + reset.gpio().storedIn()
                    + " (the first boot only stores the level)");
        }
        String formats = reset.reformat().stream().map(Policies::describeReformat).collect(Collectors.joining(", "));
        return String.join(" or ", triggers) + "; formats " + formats + "; the request is cleared after the last format";
    }

    private static String describeReformat(Reformat reformat) {
        String text = reformat.label() + " (" + reformat.type();
        if (!reformat.keep().isEmpty()) {
            text += ", keeping " + String.join(" and ", reformat.keep());
        }
        return text + ")";
    }
}
