package dev.manifestinit.disk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The partitions of one disk with their labels, as one scan of sysfs and the GPT found them.
 *
 * @param disk the disk device path as the caller gave it
 * @param kernelName the disk's name in sysfs, such as {@code mmcblk0}
 * @param sectorSize the logical sector size in bytes
 * @param partitions every partition in partition number order
 * @param gpt the table that labels came from, present only when some partition had no PARTNAME
 */
public record DiskPartitions(
        Path disk,
        String kernelName,
        int sectorSize,
        List<Partition> partitions,
        Optional<GptTable> gpt) {

    public DiskPartitions {
        partitions = List.copyOf(partitions);
    }

    /**
     * Returns the partition of each label, in the order of {@code labels}.
     *
     * @throws DuplicateLabelException when a label is on two or more partitions of the disk
     * @throws LabelNotFoundException when a label is on no partition, naming the labels found
     */
    public Map<String, Partition> select(Collection<String> labels)
            throws DuplicateLabelException, LabelNotFoundException {
        Map<String, Partition> selected = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String label : new LinkedHashSet<>(labels)) {
            List<Partition> matches = partitions.stream()
                    .filter(partition -> partition.label().equals(label))
                    .toList();
            if (matches.size() > 1) {
                throw new DuplicateLabelException(disk, label, matches);
            }
            if (matches.isEmpty()) {
                missing.add(label);
            } else {
                selected.put(label, matches.get(0));
            }
        }
        if (!missing.isEmpty()) {
            throw new LabelNotFoundException(disk, missing, partitions);
        }
        return selected;
    }
}
