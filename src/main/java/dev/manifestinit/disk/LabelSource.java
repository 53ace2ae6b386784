package dev.manifestinit.disk;

/** The source of a partition's label. */
public enum LabelSource {
    /** PARTNAME in the partition's sysfs uevent file, set by a kernel that parsed the GPT itself. */
    KERNEL,
    /** The name of the GPT entry that starts where the partition starts, read by {@link GptReader}. */
    GPT,
    /** Neither has a name for the partition. Its label is the empty string. */
    NONE
}
