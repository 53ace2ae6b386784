package dev.manifestinit.exec;

import dev.manifestinit.disk.Partition;
import dev.manifestinit.disk.PartitionLocator;
import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.steps.StepFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Finds the disk and its partitions through sysfs and the GPT, as the boot steps need them. */
public final class SysfsPartitionLocator implements dev.manifestinit.steps.PartitionLocator {

    @Override
    public void awaitDisk(AbsolutePath disk, Duration timeout) throws StepFailure {
        try {
            new PartitionLocator(Path.of(disk.value())).awaitDisk(timeout);
        } catch (IOException e) {
            throw new StepFailure(e.getMessage(), e);
        }
    }

    @Override
    public Map<PartitionLabel, String> awaitPartitions(AbsolutePath disk, Set<PartitionLabel> labels,
            Duration timeout) throws StepFailure {
        List<String> names = labels.stream().map(PartitionLabel::value).toList();
        Map<String, Partition> found;
        try {
            found = new PartitionLocator(Path.of(disk.value())).await(names, timeout);
        } catch (IOException e) {
            throw new StepFailure(e.getMessage(), e);
        }
        Map<PartitionLabel, String> devices = new LinkedHashMap<>();
        for (PartitionLabel label : labels) {
            devices.put(label, found.get(label.value()).device().toString());
        }
        return devices;
    }
}
