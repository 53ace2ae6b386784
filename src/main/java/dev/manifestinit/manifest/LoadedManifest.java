package dev.manifestinit.manifest;

import dev.manifestinit.validation.Finding;
import java.util.List;
import java.util.Set;

/**
 * A manifest as read from its file, with the positions of its values and the problems the loader
 * found.
 *
 * @param file the file as the user named it
 * @param manifest the typed manifest, or null when the file could not be parsed into one
 * @param failedPaths manifest paths whose value could not be converted, so later phases do not
 *     report the same value again as missing
 */
public record LoadedManifest(String file, Manifest manifest, SourceMap positions, List<Finding> findings,
        Set<String> failedPaths) {

    public LoadedManifest(String file, Manifest manifest, SourceMap positions, List<Finding> findings) {
        this(file, manifest, positions, findings, Set.of());
    }
}
