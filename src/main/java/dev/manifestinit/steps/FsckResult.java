package dev.manifestinit.steps;

import dev.manifestinit.manifest.FsckAction;
import dev.manifestinit.manifest.FsckOutcome;
import dev.manifestinit.manifest.PartitionLabel;
import java.util.List;
import java.util.Optional;

/**
 * One run of fsck during the boot, for the boot's record.
 *
 * @param label the GPT label of the checked partition
 * @param device the partition's device node
 * @param command the command line as run
 * @param exitStatus fsck's exit status, or -1 when a signal ended it
 * @param signal the signal that ended fsck, or 0
 * @param output fsck's standard output and standard error together
 * @param outcome the outcome that needed a decision, empty for a clean or corrected filesystem
 * @param action the action the manifest sets for the outcome, empty when there was none to take
 */
public record FsckResult(
        PartitionLabel label,
        String device,
        List<String> command,
        int exitStatus,
        int signal,
        String output,
        Optional<FsckOutcome> outcome,
        Optional<FsckAction> action) {

    public FsckResult {
        command = List.copyOf(command);
    }
}
