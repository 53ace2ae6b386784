package dev.manifestinit.steps;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.PartitionLabel;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Finds the partitions the boot needs on the manifest's disk by GPT label; changes nothing. */
public final class FindPartitions implements Step {
    private final AbsolutePath disk;
    private final Set<PartitionLabel> labels;
    private final Duration timeout;

    public FindPartitions(AbsolutePath disk, Set<PartitionLabel> labels, Duration timeout) {
        this.disk = disk;
        this.labels = new LinkedHashSet<>(labels);
        this.timeout = timeout;
    }

    @Override
    public String describe() {
        return labels.stream().map(PartitionLabel::value).collect(Collectors.joining(", "))
                + " on " + disk + " (timeout " + Durations.format(timeout) + ")";
    }

    @Override
    public Outcome apply(StepContext context) throws StepFailure {
        Map<PartitionLabel, String> found = context.partitionLocator().awaitPartitions(disk, labels, timeout);
        context.recordPartitions(found);
        return Outcome.done(labels.stream()
                .map(label -> label + "=" + found.get(label))
                .collect(Collectors.joining(", ")));
    }
}
