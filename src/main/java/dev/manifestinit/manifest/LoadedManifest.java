package dev.manifestinit.manifest;

import dev.manifestinit.validation.Finding;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;

/**
 * A manifest as read from its file and the base manifests it extends, with the positions of its
 * values and the problems the loader found.
 *
 * @param file the file as the user named it
 * @param manifest the typed manifest, or null when the file could not be parsed into one
 * @param failedPaths manifest paths whose value could not be converted, so later phases do not
 *     report the same value again as missing
 * @param document the YAML mapping with every base merged in and {@code extends} removed, or null
 *     when the file could not be parsed
 * @param sources every file read, {@code file} first and then each base, as findings name them
 */
public record LoadedManifest(String file, Manifest manifest, SourceMap positions, List<Finding> findings,
        Set<String> failedPaths, MappingNode document, List<String> sources) {

    public LoadedManifest {
        sources = List.copyOf(sources);
    }

    public LoadedManifest(String file, Manifest manifest, SourceMap positions, List<Finding> findings) {
        this(file, manifest, positions, findings, Set.of(), null, List.of(file));
    }
}
