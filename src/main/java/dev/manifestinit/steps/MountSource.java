package dev.manifestinit.steps;

import dev.manifestinit.manifest.PartitionLabel;

/** What a mount mounts: a partition found by label, or a kernel filesystem named by a word. */
public sealed interface MountSource {

    /** The source string for mount(2). */
    String resolve(StepContext context) throws StepFailure;

    /** A kernel filesystem such as proc, whose mount source is only a name. */
    record Named(String name) implements MountSource {
        @Override
        public String resolve(StepContext context) {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A partition of the manifest's disk. */
    record Partition(PartitionLabel label) implements MountSource {
        @Override
        public String resolve(StepContext context) throws StepFailure {
            return context.partitionDevice(label);
        }

        @Override
        public String toString() {
            return "PARTLABEL=" + label;
        }
    }
}
