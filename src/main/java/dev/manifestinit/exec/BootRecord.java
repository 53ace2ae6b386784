package dev.manifestinit.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable record of one boot: every step with its result and timing, the root side
 * chosen, the failures and what followed them, and the facts steps recorded, such as the factory
 * reset decision. The boot writes it as one line of JSON to {@link #PATH} before each
 * step and before a failure action. /run is moved into the new root at switch_root, so the target
 * system finds the record there.
 */
public final class BootRecord {
    /** The record's file. /run is an API mount that switch_root carries over. */
    public static final Path PATH = Path.of("/run/manifest-init/boot.json");
    /** Version of the record's layout; readers check it before they rely on a field. */
    private static final int FORMAT = 1;

    private final long startNanos = System.nanoTime();
    private final Map<String, Object> header = new LinkedHashMap<>();
    private final List<Map<String, Object>> steps = new ArrayList<>();
    private final List<Map<String, Object>> failures = new ArrayList<>();
    private Map<String, Object> facts = Map.of();
    private String outcome = "running";

    public BootRecord() {
        header.put("format", FORMAT);
    }

    /** Sets a top-level field such as the machine, the kernel command line or the root side. */
    public void put(String key, Object value) {
        header.put(key, value);
    }

    /** Milliseconds since the record was created, at the start of the boot. */
    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Adds a step that started now and returns its entry, which {@link #finish} completes. */
    Map<String, Object> start(int number, String name, String description) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("number", number);
        step.put("name", name);
        step.put("description", description);
        step.put("result", "started");
        step.put("startMs", elapsedMillis());
        steps.add(step);
        return step;
    }

    /** Completes a step entry: result is finished, skipped or failed. */
    static void finish(Map<String, Object> step, String result, long durationMillis, String detail) {
        step.put("result", result);
        step.put("durationMs", durationMillis);
        step.put("detail", detail);
    }

    /** Records a failure and the response chosen for it. */
    public void addFailure(int number, String step, String cause, String response) {
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("step", number);
        failure.put("name", step);
        failure.put("cause", cause);
        failure.put("response", response);
        failure.put("atMs", elapsedMillis());
        failures.add(failure);
    }

    /** Uses the steps' facts by reference, so that facts recorded later appear too. */
    public void useFacts(Map<String, Object> facts) {
        this.facts = facts;
    }

    public void setOutcome(String outcome) {
        this.outcome = outcome;
    }

    public String toJson() {
        Map<String, Object> record = new LinkedHashMap<>(header);
        record.put("outcome", outcome);
        record.put("elapsedMs", elapsedMillis());
        record.put("steps", steps);
        record.put("failures", failures);
        record.put("facts", facts);
        return Json.write(record);
    }

    /**
     * Writes the record to {@code path} through a temporary file and a rename, so that a reader
     * never sees half a record.
     */
    public void write(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(temporary, toJson() + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
