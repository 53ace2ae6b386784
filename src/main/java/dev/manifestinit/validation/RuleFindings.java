package dev.manifestinit.validation;

import dev.manifestinit.manifest.SourceMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Collects the findings of cross-field rules, placing each at the position where its manifest path
 * was written. A path whose value failed to load is skipped, because the loader reported it.
 */
final class RuleFindings {
    private final SourceMap positions;
    private final Set<String> failedPaths;
    private final List<Finding> findings = new ArrayList<>();

    RuleFindings(SourceMap positions, Set<String> failedPaths) {
        this.positions = positions;
        this.failedPaths = failedPaths;
    }

    void error(String path, String message) {
        add(Severity.ERROR, path, message);
    }

    void warning(String path, String message) {
        add(Severity.WARNING, path, message);
    }

    List<Finding> findings() {
        return findings;
    }

    private void add(Severity severity, String path, String message) {
        if (failedPaths.contains(path)) {
            return;
        }
        SourceMap.Position position = positions.find(path);
        findings.add(new Finding(severity, position.file(), position.line(), position.column(), path, message));
    }
}
