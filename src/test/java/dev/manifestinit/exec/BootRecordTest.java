package dev.manifestinit.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class BootRecordTest {
    @TempDir
    Path directory;

    @Test
    void recordIsOneLineOfJson() throws Exception {
        BootRecord record = new BootRecord();
        record.put("machine", "test \"bmc\"\n");
        Map<String, Object> step = record.start(1, "MountFilesystem", "proc on /proc");
        BootRecord.finish(step, "finished", 3, "proc mounted");
        record.addFailure(2, "2/3 SwitchRoot", "no init\tfound", "rebooting");
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("factoryReset", Map.of("reset", false));
        record.useFacts(facts);
        Path file = directory.resolve("run/manifest-init/boot.json");

        record.write(file);

        String text = Files.readString(file);
        assertTrue(text.endsWith("}\n"), text);
        assertEquals(1, text.lines().count(), text);
        assertFalse(Files.exists(file.resolveSibling("boot.json.tmp")), "the temporary file is left");
        // JSON is a subset of YAML's flow style, so SnakeYAML reads it back.
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) new Yaml().load(text);
        assertEquals("test \"bmc\"\n", parsed.get("machine"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps = (List<Map<String, Object>>) parsed.get("steps");
        assertEquals("finished", steps.get(0).get("result"));
        assertEquals(3, steps.get(0).get("durationMs"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> failures = (List<Map<String, Object>>) parsed.get("failures");
        assertEquals("no init\tfound", failures.get(0).get("cause"));
        assertEquals(Map.of("factoryReset", Map.of("reset", false)), parsed.get("facts"));
    }

    @Test
    void controlCharactersAreEscaped() {
        assertEquals("\"a\\u0001b\\\\c\"", Json.write("a\u0001b\\c"));
        assertEquals("[1,true,null]", Json.write(java.util.Arrays.asList(1, true, null)));
    }
}
