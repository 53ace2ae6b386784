package dev.manifestinit.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.ManifestKeys;
import dev.manifestinit.manifest.ManifestLoader;
import dev.manifestinit.manifest.MountOptions;
import dev.manifestinit.manifest.PartitionLabel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Keeps schema/manifest.schema.json, which editors use, in step with the Java model and with the
 * repository's manifests. The model is walked from {@link Manifest} through its record components,
 * so a key added to the model fails here until the schema describes it.
 */
class ManifestSchemaTest {
    private static final Path SCHEMA = Path.of("schema/manifest.schema.json");
    private static final Path BASE_SCHEMA = Path.of("schema/manifest-base.schema.json");
    private static final String MODELINE = "# yaml-language-server: $schema=";
    /** Keys the loader handles before binding, so they have no record component. */
    private static final Set<String> LOADER_KEYS = Set.of("extends");

    private static JsonNode schema;

    private static JsonNode schema() throws IOException {
        if (schema == null) {
            schema = new ObjectMapper().readTree(Files.readString(SCHEMA));
        }
        return schema;
    }

    @Test
    void everyModelKeyInSchema() throws IOException {
        List<String> problems = new ArrayList<>();
        compareRecord(Manifest.class, topLevelKeys(), "$", problems);
        assertEquals(List.of(), problems);
    }

    @Test
    void schemaOffersOnlyModelKeys() throws IOException {
        JsonNode properties = topLevelKeys().get("properties");
        Set<String> modelKeys = new HashSet<>(LOADER_KEYS);
        for (RecordComponent component : Manifest.class.getRecordComponents()) {
            modelKeys.add(ManifestKeys.keyOf(component));
        }
        for (String key : properties.propertyNames()) {
            assertTrue(modelKeys.contains(key), "the schema has a top-level key " + key + " that the model lacks");
        }
    }

    static Stream<Path> repositoryManifests() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("manifests"))) {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    static Stream<Path> machineManifests() throws IOException {
        return repositoryManifests().filter(file -> !file.getParent().endsWith("common"));
    }

    @ParameterizedTest
    @MethodSource("repositoryManifests")
    void manifestStartsWithModeline(Path manifest) throws IOException {
        String firstLine = Files.readAllLines(manifest).get(0);
        assertTrue(firstLine.startsWith(MODELINE), manifest + " does not start with " + MODELINE);
        Path named = manifest.getParent().resolve(firstLine.substring(MODELINE.length())).normalize();
        Path expected = manifest.getParent().endsWith("common") ? BASE_SCHEMA : SCHEMA;
        assertEquals(expected.toAbsolutePath(), named.toAbsolutePath(), manifest + " names the wrong schema");
    }

    /** Validates each file as an editor would, against the schema its modeline names. */
    @ParameterizedTest
    @MethodSource("repositoryManifests")
    void manifestFileMatchesSchema(Path manifest) throws IOException {
        Path schemaFile = manifest.getParent().endsWith("common") ? BASE_SCHEMA : SCHEMA;
        List<Error> errors = load(schemaFile).validate(Files.readString(manifest), InputFormat.YAML);
        assertEquals(List.of(), messages(errors), manifest + " against " + schemaFile);
    }

    /** Validates the flattened manifest, which is complete, so every required key applies. */
    @ParameterizedTest
    @MethodSource("machineManifests")
    void flattenedManifestMatchesSchema(Path manifest) throws IOException {
        Report report = new ManifestValidator().validate(manifest, manifest.toString());
        assertFalse(report.hasErrors(), report.findings().toString());
        String flattened = ManifestLoader.write(report.loaded().document());
        assertFalse(flattened.contains("extends:"), flattened);
        List<Error> errors = load(SCHEMA).validate(flattened, InputFormat.YAML);
        assertEquals(List.of(), messages(errors), manifest + " flattened against " + SCHEMA);
    }

    @Test
    void schemaRejectsUnknownKeyAndBadValues() throws IOException {
        String text = Files.readString(Path.of("manifests/rainier.yaml"))
                .replaceFirst("  - label: rwfs", "  - labl: rwfs")
                .replace("      mode: preen", "      mode: always")
                .replace("  - /var/persist/etc\n", "  - var/persist/etc\n");
        List<String> messages = messages(load(SCHEMA).validate(text, InputFormat.YAML));
        assertEquals(3, messages.size(), messages.toString());
    }

    @Test
    void schemaRequiresKeysWithoutBase() throws IOException {
        List<String> messages = messages(load(SCHEMA).validate("version: 1\nmachine: x\n", InputFormat.YAML));
        assertFalse(messages.isEmpty());
        assertTrue(messages.stream().anyMatch(message -> message.contains("disk")), messages.toString());
    }

    /**
     * Loads a schema file. The library fetches no file or remote resource by itself, so the
     * schema directory's files are handed to it here, which also keeps the test off the network.
     */
    private static Schema load(Path file) {
        String directory = SCHEMA.toAbsolutePath().getParent().toUri().toString();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(iri -> iri.startsWith(directory) ? readSchema(iri) : null));
        return registry.getSchema(SchemaLocation.of(file.toAbsolutePath().toUri().toString()));
    }

    private static String readSchema(String iri) {
        try {
            return Files.readString(Path.of(URI.create(iri)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> messages(List<Error> errors) {
        return errors.stream().map(error -> error.getInstanceLocation() + ": " + error.getMessage()).toList();
    }

    private static JsonNode topLevelKeys() throws IOException {
        return resolve(schema());
    }

    /** Follows a local {@code $ref} such as {@code #/$defs/disk}. */
    private static JsonNode resolve(JsonNode node) throws IOException {
        JsonNode current = node;
        while (current != null && current.has("$ref")) {
            String reference = current.get("$ref").asString();
            assertTrue(reference.startsWith("#/"), "only local references are followed: " + reference);
            current = schema().at(reference.substring(1));
        }
        return current;
    }

    private static void compareRecord(Class<?> record, JsonNode objectSchema, String path, List<String> problems)
            throws IOException {
        if (!"object".equals(typeOf(objectSchema))) {
            problems.add(path + ": the schema has type " + typeOf(objectSchema) + ", the model a mapping "
                    + record.getSimpleName());
            return;
        }
        JsonNode properties = objectSchema.get("properties");
        for (RecordComponent component : record.getRecordComponents()) {
            String key = ManifestKeys.keyOf(component);
            String keyPath = path + "." + key;
            JsonNode property = properties == null ? null : properties.get(key);
            if (property == null) {
                problems.add(keyPath + ": missing from the schema (" + record.getSimpleName() + "." + component.getName()
                        + ")");
                continue;
            }
            compareType(component.getGenericType(), resolve(property), keyPath, problems);
        }
        if (properties != null) {
            Set<String> keys = new HashSet<>();
            Arrays.stream(record.getRecordComponents()).forEach(component -> keys.add(ManifestKeys.keyOf(component)));
            for (String key : properties.propertyNames()) {
                if (!keys.contains(key) && !(path.equals("$") && LOADER_KEYS.contains(key))) {
                    problems.add(path + "." + key + ": in the schema but not in " + record.getSimpleName());
                }
            }
        }
    }

    private static void compareType(Type type, JsonNode property, String path, List<String> problems)
            throws IOException {
        assertNotNull(property, path);
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == List.class) {
            if (!"array".equals(typeOf(property))) {
                problems.add(path + ": the model has a list, the schema type " + typeOf(property));
                return;
            }
            compareType(parameterized.getActualTypeArguments()[0], resolve(property.get("items")), path + "[]",
                    problems);
            return;
        }
        Class<?> target = (Class<?>) type;
        if (ManifestKeys.isMapping(target)) {
            compareRecord(target, property, path, problems);
        } else if (target == MountOptions.class) {
            if (!"array".equals(typeOf(property)) || !"string".equals(typeOf(resolve(property.get("items"))))) {
                problems.add(path + ": mount options are a list of strings in the schema");
            }
        } else if (target.isEnum()) {
            expectType("string", property, path, problems);
            JsonNode values = property.get("enum");
            if (values == null || values.isEmpty()) {
                problems.add(path + ": the schema lists no enum values for " + target.getSimpleName());
                return;
            }
            Set<String> javaValues = new HashSet<>();
            for (Object constant : target.getEnumConstants()) {
                javaValues.add(constant.toString());
            }
            for (JsonNode value : values) {
                if (!javaValues.contains(value.asString())) {
                    problems.add(path + ": the schema allows " + value.asString() + ", which "
                            + target.getSimpleName() + " lacks");
                }
            }
        } else if (target == String.class || target == AbsolutePath.class || target == PartitionLabel.class
                || target == Duration.class) {
            expectType("string", property, path, problems);
        } else if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
            expectType("integer", property, path, problems);
        } else if (target == Boolean.class || target == boolean.class) {
            expectType("boolean", property, path, problems);
        } else {
            problems.add(path + ": this test has no schema type for " + target.getName() + "; add one");
        }
    }

    private static void expectType(String expected, JsonNode property, String path, List<String> problems) {
        if (!expected.equals(typeOf(property))) {
            problems.add(path + ": the schema type is " + typeOf(property) + ", the model's is " + expected);
        }
    }

    /**
     * Returns the schema type of a property. A type list that adds "null", which a machine
     * manifest writes to drop a section of its base, counts as the other type.
     */
    private static String typeOf(JsonNode property) {
        JsonNode type = property == null ? null : property.get("type");
        if (type == null) {
            return "(none)";
        }
        if (type.isArray()) {
            List<String> types = new java.util.ArrayList<>();
            type.forEach(element -> types.add(element.asString()));
            types.remove("null");
            return types.size() == 1 ? types.get(0) : types.toString();
        }
        return type.asString();
    }
}
