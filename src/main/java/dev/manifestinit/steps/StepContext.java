package dev.manifestinit.steps;

import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.os.Kernel;
import java.util.HashMap;
import java.util.Map;

/** What the steps of one boot share: the kernel, the external tools, and the partitions found. */
public final class StepContext {
    private final Kernel kernel;
    private final PartitionLocator partitionLocator;
    private final ToolRunner tools;
    private final Map<PartitionLabel, String> partitions = new HashMap<>();

    public StepContext(Kernel kernel, PartitionLocator partitionLocator, ToolRunner tools) {
        this.kernel = kernel;
        this.partitionLocator = partitionLocator;
        this.tools = tools;
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
}
