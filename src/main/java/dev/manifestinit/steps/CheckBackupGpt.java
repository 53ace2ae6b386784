package dev.manifestinit.steps;

import dev.manifestinit.disk.BackupGptRepair;
import dev.manifestinit.disk.SysfsBlockDevices;
import dev.manifestinit.manifest.AbsolutePath;
import java.nio.file.Path;

/**
 * Reads the disk's GPT and reports a misplaced or damaged backup in the log; changes nothing.
 * A table that reaches beyond the end of the disk fails the step.
 */
public final class CheckBackupGpt implements Step {
    private final AbsolutePath disk;

    public CheckBackupGpt(AbsolutePath disk) {
        this.disk = disk;
    }

    @Override
    public String describe() {
        return disk + " (disk.gpt is check: a misplaced backup is reported, not repaired)";
    }

    @Override
    public Outcome apply(StepContext context) throws Exception {
        BackupGptRepair.Result result = new BackupGptRepair(context.kernel(), SysfsBlockDevices.system())
                .check(Path.of(disk.value()));
        return switch (result.state()) {
            case CORRECT -> Outcome.skipped(result.detail());
            case MISPLACED, DAMAGED -> Outcome.done(result.detail() + "; disk.gpt is check, so it stays as it is");
            case PRIMARY_INVALID -> Outcome.done(result.detail());
        };
    }
}
