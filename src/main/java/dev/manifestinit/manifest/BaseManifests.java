package dev.manifestinit.manifest;

import dev.manifestinit.validation.Finding;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Resolves the top-level {@code extends} key: a manifest names a base manifest, relative to its own
 * file, and states only what differs. The merge rules, also described in docs/manifests.md:
 * <ul>
 *   <li>Mappings merge key by key, recursively; where both files set a key, the extending file
 *       wins.</li>
 *   <li>Lists and single values are replaced whole: a machine that sets {@code mounts} lists all
 *       of its mounts.</li>
 *   <li>A key set to null ({@code key: ~}) removes the base's value.</li>
 *   <li>A base may extend another base, up to {@link #MAX_DEPTH} files deep; a cycle is an
 *       error.</li>
 * </ul>
 * Every node remembers the file it was written in, so a finding names the base file and line
 * where a value came from a base.
 */
final class BaseManifests {
    static final String KEY = "extends";
    /** Maximum number of files in one chain of extends. A machine, its family and a common base need three. */
    static final int MAX_DEPTH = 8;

    private final List<Finding> findings;
    private final Map<Node, String> origins = new IdentityHashMap<>();
    private final List<String> sources = new ArrayList<>();
    private final Deque<Path> chain = new ArrayDeque<>();

    BaseManifests(List<Finding> findings) {
        this.findings = findings;
    }

    Map<Node, String> origins() {
        return Collections.unmodifiableMap(origins);
    }

    /** Returns every file read, the extending manifest first. */
    List<String> sources() {
        return sources;
    }

    /** Records that every node below {@code document} was written in {@code file}. */
    void recordOrigin(Node document, String file) {
        if (sources.isEmpty() || !sources.contains(file)) {
            sources.add(file);
        }
        Deque<Node> pending = new ArrayDeque<>();
        pending.push(document);
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!pending.isEmpty()) {
            Node node = pending.pop();
            // An alias is the same node object as its anchor, so each node is visited once.
            if (!seen.add(node)) {
                continue;
            }
            origins.putIfAbsent(node, file);
            if (node instanceof MappingNode mapping) {
                for (NodeTuple tuple : mapping.getValue()) {
                    pending.push(tuple.getKeyNode());
                    pending.push(tuple.getValueNode());
                }
            } else if (node instanceof SequenceNode sequence) {
                sequence.getValue().forEach(pending::push);
            }
        }
    }

    /**
     * Returns {@code document} with its base merged in and {@code extends} removed, or null after
     * adding a finding when a base cannot be used: a bad {@code extends} value, a missing or
     * unparsable base, a cycle or a chain deeper than {@link #MAX_DEPTH}.
     *
     * @param file the document's file as findings name it
     * @param location the document's file, for resolving the base path
     */
    MappingNode resolve(MappingNode document, String file, Path location) {
        List<NodeTuple> extendsTuples = new ArrayList<>();
        List<NodeTuple> rest = new ArrayList<>();
        for (NodeTuple tuple : document.getValue()) {
            boolean isExtends = tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(KEY);
            (isExtends ? extendsTuples : rest).add(tuple);
        }
        if (extendsTuples.isEmpty()) {
            return document;
        }
        if (extendsTuples.size() > 1) {
            Node second = extendsTuples.get(1).getKeyNode();
            findings.add(at(second, "$." + KEY, "duplicate key '" + KEY + "'; a manifest extends one base"));
            return null;
        }
        Node value = extendsTuples.get(0).getValueNode();
        if (!(value instanceof ScalarNode scalar) || !Tag.STR.equals(scalar.getTag()) || scalar.getValue().isBlank()) {
            findings.add(at(value, "$." + KEY, "extends must name a base manifest file relative to this one,"
                    + " such as common/emmc-bmc.yaml"));
            return null;
        }
        String written = scalar.getValue();
        Path basePath;
        String baseFile;
        try {
            if (Path.of(written).isAbsolute()) {
                findings.add(at(value, "$." + KEY, "extends must be a path relative to this file, such as"
                        + " common/emmc-bmc.yaml, not the absolute path " + written
                        + "; an absolute path would differ between the build host and the initramfs"));
                return null;
            }
            basePath = location.resolveSibling(written).normalize();
            baseFile = Path.of(file).resolveSibling(written).normalize().toString();
        } catch (InvalidPathException e) {
            findings.add(at(value, "$." + KEY, "extends names an invalid path: " + e.getReason()));
            return null;
        }

        Path identity = identity(basePath);
        chain.push(identity(location));
        try {
            if (chain.contains(identity)) {
                findings.add(at(value, "$." + KEY, "extends " + written + " forms a cycle: " + baseFile
                        + " already extends, directly or through its bases, " + file));
                return null;
            }
            if (chain.size() >= MAX_DEPTH) {
                findings.add(at(value, "$." + KEY, "extends " + written + " makes a chain of more than "
                        + MAX_DEPTH + " manifest files; merge some of the bases"));
                return null;
            }
            byte[] bytes;
            try {
                bytes = ManifestLoader.read(basePath, baseFile);
            } catch (ManifestLoader.UnreadableManifestException e) {
                findings.add(at(value, "$." + KEY, "base manifest " + e.getMessage()));
                return null;
            }
            MappingNode base = ManifestLoader.compose(bytes, baseFile, findings);
            if (base == null) {
                return null;
            }
            recordOrigin(base, baseFile);
            base = resolve(base, baseFile, basePath);
            if (base == null) {
                return null;
            }
            MappingNode withoutExtends = new MappingNode(document.getTag(), true, rest, document.getStartMark(),
                    document.getEndMark(), document.getFlowStyle());
            origins.put(withoutExtends, origins.getOrDefault(document, file));
            return merge(base, withoutExtends);
        } finally {
            chain.pop();
        }
    }

    /** Returns the real path when the file exists, so that two spellings of one file are one link of the chain. */
    private static Path identity(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException | SecurityException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    /**
     * Merges {@code override} onto {@code base}: base keys keep their order, keys only in the
     * override follow. A key written twice in one file stays twice, so the binder reports it.
     */
    private MappingNode merge(MappingNode base, MappingNode override) {
        Map<String, NodeTuple> firstOverride = new HashMap<>();
        for (NodeTuple tuple : override.getValue()) {
            String key = scalarKey(tuple);
            if (key != null) {
                firstOverride.putIfAbsent(key, tuple);
            }
        }
        List<NodeTuple> merged = new ArrayList<>();
        Set<String> replaced = new HashSet<>();
        for (NodeTuple tuple : base.getValue()) {
            String key = scalarKey(tuple);
            NodeTuple replacement = key == null ? null : firstOverride.get(key);
            if (replacement == null || !replaced.add(key)) {
                merged.add(tuple);
            } else if (tuple.getValueNode() instanceof MappingNode baseValue
                    && replacement.getValueNode() instanceof MappingNode overrideValue) {
                merged.add(new NodeTuple(replacement.getKeyNode(), merge(baseValue, overrideValue)));
            } else {
                merged.add(replacement);
            }
        }
        for (NodeTuple tuple : override.getValue()) {
            String key = scalarKey(tuple);
            if (key == null || !replaced.contains(key) || firstOverride.get(key) != tuple) {
                merged.add(tuple);
            }
        }
        MappingNode result = new MappingNode(override.getTag(), true, merged, override.getStartMark(),
                override.getEndMark(), override.getFlowStyle());
        origins.put(result, origins.get(override));
        return result;
    }

    private static String scalarKey(NodeTuple tuple) {
        return tuple.getKeyNode() instanceof ScalarNode key ? key.getValue() : null;
    }

    private Finding at(Node node, String path, String message) {
        return ManifestLoader.at(origins.getOrDefault(node, sources.get(0)), node.getStartMark(), path, message);
    }
}
