package dev.manifestinit.steps;

import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.os.Kernel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The state that the steps of one boot share: the kernel, the external tools, the GPIO lines,
 * the partitions found, the decisions of earlier steps for later ones, the facts that go into
 * the boot record, and the log for progress within a step.
 */
public final class StepContext {
    private final Kernel kernel;
    private final PartitionLocator partitionLocator;
    private final ToolRunner tools;
    private final GpioLines gpio;
    private final Consumer<String> progressLog;
    private final Map<PartitionLabel, String> partitions = new HashMap<>();
    private final Map<String, Object> facts = new LinkedHashMap<>();
    private ResetDecision resetDecision;
    private final Set<PartitionLabel> readOnly = new HashSet<>();
    private final List<FsckResult> fsckResults = new ArrayList<>();

    /** Creates a context whose progress lines are dropped. */
    public StepContext(Kernel kernel, PartitionLocator partitionLocator, ToolRunner tools) {
        this(kernel, partitionLocator, tools, GpioLines.NONE, message -> { });
    }

    /** Creates a context whose progress lines are dropped. */
    public StepContext(Kernel kernel, PartitionLocator partitionLocator, ToolRunner tools, GpioLines gpio) {
        this(kernel, partitionLocator, tools, gpio, message -> { });
    }

    /** Creates a context without GPIO lines. */
    public StepContext(Kernel kernel, PartitionLocator partitionLocator, ToolRunner tools,
            Consumer<String> progressLog) {
        this(kernel, partitionLocator, tools, GpioLines.NONE, progressLog);
    }

    /** @param progressLog receives the lines that a step logs between its start and end lines */
    public StepContext(Kernel kernel, PartitionLocator partitionLocator, ToolRunner tools, GpioLines gpio,
            Consumer<String> progressLog) {
        this.kernel = kernel;
        this.partitionLocator = partitionLocator;
        this.tools = tools;
        this.gpio = gpio;
        this.progressLog = progressLog;
    }

    public Kernel kernel() {
        return kernel;
    }

    public PartitionLocator partitionLocator() {
        return partitionLocator;
    }

    public ToolRunner tools() {
        return tools;
    }

    public GpioLines gpio() {
        return gpio;
    }

    /**
     * Adds a fact to the boot record under {@code key}, replacing an earlier one: strings, numbers,
     * booleans, and lists and maps of them.
     */
    public void recordFact(String key, Object value) {
        facts.put(key, value);
    }

    /** Returns the facts recorded so far, in the order they were first recorded. */
    public Map<String, Object> facts() {
        return Collections.unmodifiableMap(facts);
    }

    void recordResetDecision(ResetDecision decision) {
        this.resetDecision = decision;
    }

    /** Returns the decision of ReadResetTriggers in this boot, or fails when the plan has no such step first. */
    ResetDecision resetDecision() throws StepFailure {
        if (resetDecision == null) {
            throw new StepFailure("the factory reset triggers were not read before a reset action; the plan is wrong");
        }
        return resetDecision;
    }

    /** Logs one line of progress within the current step, such as one module loaded of several. */
    public void logProgress(String message) {
        progressLog.accept(message);
    }

    /** Records the device node found for each label. */
    void recordPartitions(Map<PartitionLabel, String> found) {
        partitions.putAll(found);
    }

    /** The device node of a partition found earlier in this boot. */
    String partitionDevice(PartitionLabel label) throws StepFailure {
        String device = partitions.get(label);
        if (device == null) {
            throw new StepFailure("partition " + label + " was not looked up before it was needed; the plan is wrong");
        }
        return device;
    }

    /** Makes every later mount of the partition {@code label} read-only, whatever its mount options. */
    void requestReadOnly(PartitionLabel label) {
        readOnly.add(label);
    }

    /** Returns whether an earlier step asked for the partition {@code label} to be mounted read-only. */
    boolean readOnlyRequested(PartitionLabel label) {
        return readOnly.contains(label);
    }

    void recordFsckResult(FsckResult result) {
        fsckResults.add(result);
    }

    /** Returns the fsck runs of this boot in the order made, for the boot's record. */
    public List<FsckResult> fsckResults() {
        return List.copyOf(fsckResults);
    }
}
