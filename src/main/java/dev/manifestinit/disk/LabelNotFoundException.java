package dev.manifestinit.disk;

import java.nio.file.Path;
import java.util.List;

/** One or more labels that the caller looks for are on no partition of the disk. */
public final class LabelNotFoundException extends DiskException {
    private final Path disk;
    private final List<String> missing;
    private final List<Partition> found;

    public LabelNotFoundException(Path disk, List<String> missing, List<Partition> found) {
        super((missing.size() == 1 ? "partition label " : "partition labels ") + String.join(", ", missing)
                + " not found on " + disk + "; " + describeFound(found));
        this.disk = disk;
        this.missing = List.copyOf(missing);
        this.found = List.copyOf(found);
    }

    public Path disk() {
        return disk;
    }

    /** Returns the requested labels that were not found, in request order. */
    public List<String> missing() {
        return missing;
    }

    /** Returns every partition of the disk, labeled or not, in partition number order. */
    public List<Partition> found() {
        return found;
    }

    /** Lists the labels found, such as {@code found rofs-a on /dev/loop3p1, rwfs on /dev/loop3p3}. */
    static String describeFound(List<Partition> partitions) {
        if (partitions.isEmpty()) {
            return "the disk has no partitions";
        }
        List<String> labeled = partitions.stream()
                .filter(partition -> !partition.label().isEmpty())
                .map(Partition::describe)
                .toList();
        int unlabeled = partitions.size() - labeled.size();
        if (labeled.isEmpty()) {
            return "found " + unlabeled + " partitions, none with a label";
        }
        String text = "found " + String.join(", ", labeled);
        return unlabeled == 0 ? text : text + " and " + unlabeled + " without a label";
    }
}
