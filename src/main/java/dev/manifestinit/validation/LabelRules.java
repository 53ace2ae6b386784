package dev.manifestinit.validation;

import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.ManifestKeys;
import dev.manifestinit.manifest.PartitionLabel;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rules on partition labels across the manifest: every label used anywhere is declared in
 * {@code disk.partitions}, and declared labels survive the kernel's conversion of GPT names.
 * Labels are found by walking the model, so a section added later is covered without a change here.
 */
final class LabelRules {
    private static final String DECLARATIONS = "$.disk.partitions";

    private final Manifest manifest;
    private final RuleFindings findings;

    LabelRules(Manifest manifest, RuleFindings findings) {
        this.manifest = manifest;
        this.findings = findings;
    }

    void check() {
        List<PartitionLabel> declared = manifest.disk() == null ? null : manifest.disk().partitions();
        if (declared == null) {
            return;
        }
        for (int i = 0; i < declared.size(); i++) {
            PartitionLabel label = declared.get(i);
            if (label != null && !isPrintableAscii(label.value())) {
                // Linux's GPT parser (block/partitions/efi.c) keeps the low byte of each UTF-16
                // code unit of the name and turns bytes that are not printable into '!', and that
                // is the PARTNAME the partition lookup compares with.
                findings.warning(DECLARATIONS + "[" + i + "]", "label '" + label + "' has characters outside"
                        + " printable ASCII; the kernel keeps only the low byte of each UTF-16 code unit of a GPT"
                        + " name in PARTNAME, so this label would never match a partition");
            }
        }
        Map<String, PartitionLabel> used = new LinkedHashMap<>();
        collect(manifest, "$", used);
        used.forEach((path, label) -> {
            if (!path.startsWith(DECLARATIONS + "[") && !declared.contains(label)) {
                findings.error(path, "label " + label + " is not declared in " + DECLARATIONS + " " + declared);
            }
        });
    }

    static boolean isPrintableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** Adds every label below {@code value} to {@code labels}, keyed by its manifest path. */
    private static void collect(Object value, String path, Map<String, PartitionLabel> labels) {
        if (value instanceof PartitionLabel label) {
            labels.put(path, label);
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collect(list.get(i), path + "[" + i + "]", labels);
            }
        } else if (value instanceof Record record && ManifestKeys.isMapping(record.getClass())) {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                collect(read(component, record), path + "." + ManifestKeys.keyOf(component), labels);
            }
        }
    }

    private static Object read(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component + " of the manifest model", e);
        }
    }
}
