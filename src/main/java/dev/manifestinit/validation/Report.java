package dev.manifestinit.validation;

import dev.manifestinit.manifest.LoadedManifest;
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
}
