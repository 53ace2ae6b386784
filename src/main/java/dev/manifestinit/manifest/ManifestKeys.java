package dev.manifestinit.manifest;

import java.lang.reflect.RecordComponent;
import java.util.Map;

/** Names the manifest keys of the model's records. */
public final class ManifestKeys {
    /**
     * The components whose manifest key differs from their name, by record: Java reserves
     * {@code default}, and {@code wait()} would override Object's final method. A table and not an
     * annotation, because the first annotation read of a component makes the JVM parse all of the
     * component's annotations, constraints included, and the boot binds every component.
     */
    private static final Map<Class<?>, Map<String, String>> RENAMED = Map.of(
            Root.class, Map.of("defaultLabel", "default"),
            Disk.class, Map.of("timeout", "wait"));

    private ManifestKeys() {
    }

    /** Returns the manifest key of a record component: its name, unless the table above renames it. */
    public static String keyOf(RecordComponent component) {
        Map<String, String> renamed = RENAMED.get(component.getDeclaringRecord());
        String key = renamed == null ? null : renamed.get(component.getName());
        return key != null ? key : component.getName();
    }

    /**
     * Whether {@code type} is a record of the model that the manifest writes as a mapping, as
     * opposed to a value type written as one scalar or list (a path, a label, mount options).
     */
    public static boolean isMapping(Class<?> type) {
        return type.isRecord() && type != AbsolutePath.class && type != PartitionLabel.class
                && type != MountOptions.class;
    }
}
