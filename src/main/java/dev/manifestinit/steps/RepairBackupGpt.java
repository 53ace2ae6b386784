package dev.manifestinit.steps;

import dev.manifestinit.disk.BackupGptRepair;
import dev.manifestinit.disk.SysfsBlockDevices;
import dev.manifestinit.manifest.AbsolutePath;
import java.nio.file.Path;

/**
 * Writes the backup GPT at the end of the disk from the primary when it is misplaced or damaged,
 * points the primary at it, and has the kernel take the table again. A table that reaches beyond
 * the end of the disk fails the step with nothing written.
 */
public final class RepairBackupGpt implements Step {
    private final AbsolutePath disk;

    public RepairBackupGpt(AbsolutePath disk) {
        this.disk = disk;
    }

    @Override
    public String describe() {
        return disk + " (when the backup is not at the last LBA or differs from the primary: backup entry array,"
                + " backup header, then primary header, each followed by fdatasync; then BLKRRPART)";
    }

    @Override
    public Outcome apply(StepContext context) throws Exception {
        BackupGptRepair.Result result = new BackupGptRepair(context.kernel(), SysfsBlockDevices.system())
                .repair(Path.of(disk.value()));
        return switch (result.state()) {
            case CORRECT -> Outcome.skipped(result.detail());
            case MISPLACED, DAMAGED, PRIMARY_INVALID -> Outcome.done(result.detail());
        };
    }
}
