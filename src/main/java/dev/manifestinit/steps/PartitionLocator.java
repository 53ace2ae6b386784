package dev.manifestinit.steps;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.PartitionLabel;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** Finds the disk and its partitions by GPT label. */
public interface PartitionLocator {

    /** Waits until the whole-disk device exists; throws StepFailure when the wait times out. */
    void awaitDisk(AbsolutePath disk, Duration timeout) throws StepFailure;

    /**
     * Waits until every label is found on the disk and returns its partition device node. Throws
     * StepFailure for a label found twice (naming both partitions) or missing at the deadline
     * (listing the labels that were found).
     */
    Map<PartitionLabel, String> awaitPartitions(AbsolutePath disk, Set<PartitionLabel> labels, Duration timeout)
            throws StepFailure;
}
