package dev.manifestinit.disk;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** A label that the caller looks for is on more than one partition of the disk. */
public final class DuplicateLabelException extends DiskException {
    private final Path disk;
    private final String label;
    private final List<Partition> partitions;

    public DuplicateLabelException(Path disk, String label, List<Partition> partitions) {
        super("partition label " + label + " is on " + partitions.size() + " partitions of " + disk + ": "
                + partitions.stream()
                        .map(partition -> "partition " + partition.number() + " (" + partition.device() + ")")
                        .collect(Collectors.joining(" and "))
                + "; give each partition of the disk a unique label");
        this.disk = disk;
        this.label = label;
        this.partitions = List.copyOf(partitions);
    }

    public Path disk() {
        return disk;
    }

    public String label() {
        return label;
    }

    /** Returns every partition with the label, in partition number order. */
    public List<Partition> partitions() {
        return partitions;
    }
}
