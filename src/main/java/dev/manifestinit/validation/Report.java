package dev.manifestinit.validation;

import dev.manifestinit.manifest.LoadedManifest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The outcome of validating one manifest file.
 *
 * @param loaded the manifest as loaded, with its positions
 * @param findings every finding, sorted by position
 */
public record Report(LoadedManifest loaded, List<Finding> findings) {

    public Report {
        findings = List.copyOf(findings);
    }

    public boolean hasErrors() {
        return findings.stream().anyMatch(finding -> finding.severity() == Severity.ERROR);
    }

    public boolean hasWarnings() {
        return findings.stream().anyMatch(finding -> finding.severity() == Severity.WARNING);
    }

    /** Returns whether the manifest fails validation: on an error, or with {@code strict} also on a warning. */
    public boolean fails(boolean strict) {
        return hasErrors() || (strict && hasWarnings());
    }

    /** Returns this report with {@code extra} findings added, sorted with the others by position. */
    public Report with(List<Finding> extra) {
        List<Finding> all = new ArrayList<>(findings);
        all.addAll(extra);
        Collections.sort(all);
        return new Report(loaded, all);
    }
}
