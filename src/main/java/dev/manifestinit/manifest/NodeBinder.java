package dev.manifestinit.manifest;

import dev.manifestinit.validation.Finding;
import dev.manifestinit.validation.Severity;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Converts a composed YAML node tree into the manifest records, one record per mapping, with the
 * record components naming the keys. Every value that cannot be converted becomes a finding at its
 * own line and column, and binding goes on, so one pass reports every such value.
 */
final class NodeBinder {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

    private final String file;
    private final SourceMap positions;
    private final List<Finding> findings;
    private final Map<Node, String> origins;
    private final Set<String> failedPaths = new HashSet<>();

    /**
     * @param file the manifest as the user named it
     * @param origins the file each node was written in, for nodes from base manifests; a node
     *     missing here belongs to {@code file}
     */
    NodeBinder(String file, SourceMap positions, List<Finding> findings, Map<Node, String> origins) {
        this.file = file;
        this.positions = positions;
        this.findings = findings;
        this.origins = origins;
    }

    /** The file that {@code node} was written in. */
    private String fileOf(Node node) {
        return origins.getOrDefault(node, file);
    }

    Set<String> failedPaths() {
        return failedPaths;
    }

    static String keyOf(RecordComponent component) {
        return ManifestKeys.keyOf(component);
    }

    /** Converts {@code node} to {@code type}, or returns null after recording a finding. */
    Object bind(Node node, Type type, String path) {
        positions.put(path, fileOf(node), node.getStartMark().getLine(), node.getStartMark().getColumn());
        if (isNull(node)) {
            return null;
        }
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == List.class) {
            return bindList(node, parameterized.getActualTypeArguments()[0], path);
        }
        Class<?> target = (Class<?>) type;
        if (ManifestKeys.isMapping(target)) {
            return bindRecord(node, target, path);
        }
        if (target == MountOptions.class) {
            return bindMountOptions(node, path);
        }
        if (!(node instanceof ScalarNode scalar)) {
            return fail(node, path, "expected " + expectation(target) + ", got a " + describeNode(node));
        }
        return bindScalar(scalar, target, path);
    }

    private Object bindRecord(Node node, Class<?> target, String path) {
        RecordComponent[] components = target.getRecordComponents();
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (RecordComponent component : components) {
            byKey.put(keyOf(component), component);
        }
        if (!(node instanceof MappingNode mapping)) {
            return fail(node, path, "expected a mapping with the keys " + String.join(", ", byKey.keySet())
                    + ", got a " + describeNode(node));
        }

        Map<String, Object> values = new HashMap<>();
        Map<String, Node> seen = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode keyScalar)) {
                fail(keyNode, path, "a key must be a plain word, got a " + describeNode(keyNode));
                continue;
            }
            String key = keyScalar.getValue();
            String keyPath = path + "." + key;
            Node earlier = seen.putIfAbsent(key, keyNode);
            if (earlier != null) {
                String where = fileOf(earlier).equals(fileOf(keyNode)) ? "line " : fileOf(earlier) + " line ";
                fail(keyNode, keyPath, "duplicate key '" + key + "'; it is first set at " + where
                        + (earlier.getStartMark().getLine() + 1));
                continue;
            }
            RecordComponent component = byKey.get(key);
            if (component == null) {
                String suggestion = Suggestions.nearest(key, byKey.keySet());
                fail(keyNode, keyPath, "unknown key '" + key + "'"
                        + (suggestion != null ? "; did you mean '" + suggestion + "'?"
                                : "; the keys here are " + String.join(", ", byKey.keySet())));
                continue;
            }
            values.put(component.getName(), bind(tuple.getValueNode(), component.getGenericType(), keyPath));
        }

        Object[] arguments = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            arguments[i] = values.get(components[i].getName());
            types[i] = components[i].getType();
        }
        try {
            Constructor<?> constructor = target.getDeclaredConstructor(types);
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            return fail(node, path, e.getCause().getMessage());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("record " + target.getName() + " has no canonical constructor", e);
        }
    }

    private List<Object> bindList(Node node, Type elementType, String path) {
        if (!(node instanceof SequenceNode sequence)) {
            fail(node, path, "expected a list, got a " + describeNode(node));
            return null;
        }
        List<Object> list = new ArrayList<>();
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
            list.add(bind(items.get(i), elementType, path + "[" + i + "]"));
        }
        return list;
    }

    private Object bindMountOptions(Node node, String path) {
        if (!(node instanceof SequenceNode sequence)) {
            return fail(node, path, "expected a list of mount options such as [ro, nodev], got a "
                    + describeNode(node));
        }
        List<String> options = new ArrayList<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            Node item = sequence.getValue().get(i);
            String itemPath = path + "[" + i + "]";
            positions.put(itemPath, fileOf(item), item.getStartMark().getLine(), item.getStartMark().getColumn());
            if (!(item instanceof ScalarNode scalar) || isNull(item)) {
                return fail(item, itemPath, "expected a mount option such as nodev, got a " + describeNode(item));
            }
            options.add(scalar.getValue());
        }
        try {
            return MountOptions.parse(options);
        } catch (IllegalArgumentException e) {
            return fail(node, path, e.getMessage());
        }
    }

    private Object bindScalar(ScalarNode scalar, Class<?> target, String path) {
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        if (target == String.class) {
            if (!Tag.STR.equals(tag)) {
                return fail(scalar, path, "expected a string, got " + describeValue(tag) + " '" + text
                        + "'; quote it, such as \"" + text + "\", to mean the text");
            }
            return text;
        }
        if (target == Integer.class) {
            if (!Tag.INT.equals(tag)) {
                return fail(scalar, path, "expected a whole number, got '" + text + "'");
            }
            try {
                return Integer.valueOf(text);
            } catch (NumberFormatException e) {
                return fail(scalar, path, "expected a whole number, got '" + text + "'");
            }
        }
        if (target == Boolean.class) {
            // YAML 1.1 also reads yes, no, on and off as booleans; a manifest spells them out.
            if (!Tag.BOOL.equals(tag) || !(text.equals("true") || text.equals("false"))) {
                return fail(scalar, path, "expected true or false, got '" + text + "'");
            }
            return Boolean.valueOf(text);
        }
        if (target == Duration.class) {
            return parseDuration(scalar, path);
        }
        if (target == AbsolutePath.class) {
            String problem = AbsolutePath.problemWith(text);
            return problem == null ? new AbsolutePath(text) : fail(scalar, path, problem);
        }
        if (target == PartitionLabel.class) {
            String problem = PartitionLabel.problemWith(text);
            return problem == null ? new PartitionLabel(text) : fail(scalar, path, problem);
        }
        if (target.isEnum()) {
            return parseEnum(scalar, target, path);
        }
        throw new IllegalStateException("no conversion to " + target.getName());
    }

    private Object parseDuration(ScalarNode scalar, String path) {
        Matcher matcher = DURATION.matcher(scalar.getValue());
        if (!matcher.matches()) {
            return fail(scalar, path, "expected a duration such as 5s or 500ms, got '" + scalar.getValue() + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    private Object parseEnum(ScalarNode scalar, Class<?> target, String path) {
        String text = scalar.getValue();
        List<String> names = Arrays.stream(target.getEnumConstants())
                .map(constant -> constant.toString())
                .collect(Collectors.toList());
        for (Object constant : target.getEnumConstants()) {
            if (constant.toString().equals(text)) {
                return constant;
            }
        }
        String suggestion = Suggestions.nearest(text.toLowerCase(Locale.ROOT), names);
        return fail(scalar, path, "expected one of " + String.join(", ", names) + ", got '" + text + "'"
                + (suggestion != null ? "; did you mean '" + suggestion + "'?" : ""));
    }

    private Object fail(Node node, String path, String message) {
        failedPaths.add(path);
        findings.add(new Finding(Severity.ERROR, fileOf(node), node.getStartMark().getLine() + 1,
                node.getStartMark().getColumn() + 1, path, message));
        return null;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private static String expectation(Class<?> target) {
        if (target == Duration.class) {
            return "a duration such as 5s";
        }
        if (target == AbsolutePath.class) {
            return "an absolute path";
        }
        if (target == PartitionLabel.class) {
            return "a partition label";
        }
        if (target == Integer.class) {
            return "a whole number";
        }
        if (target == Boolean.class) {
            return "true or false";
        }
        return "a single value";
    }

    /** Names the type YAML gave a plain scalar: {@code 5} is a number, {@code yes} a boolean. */
    private static String describeValue(Tag tag) {
        if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
            return "the number";
        }
        if (Tag.BOOL.equals(tag)) {
            return "the boolean";
        }
        if (Tag.TIMESTAMP.equals(tag)) {
            return "the date";
        }
        return "a value of type " + tag.getValue();
    }

    static String describeNode(Node node) {
        if (node instanceof MappingNode) {
            return "mapping";
        }
        if (node instanceof SequenceNode) {
            return "list";
        }
        if (Tag.NULL.equals(node.getTag())) {
            return "null value";
        }
        return "scalar";
    }
}
