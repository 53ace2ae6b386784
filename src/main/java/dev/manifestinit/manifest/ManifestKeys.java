package dev.manifestinit.manifest;

import java.lang.reflect.RecordComponent;

/** Names the manifest keys of the model's records. */
public final class ManifestKeys {
    private ManifestKeys() {
    }

    /** The manifest key of a record component: its name, or its {@link YamlKey}. */
    public static String keyOf(RecordComponent component) {
        YamlKey key = component.getAnnotation(YamlKey.class);
        return key != null ? key.value() : component.getName();
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
