package dev.manifestinit.steps;

import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.manifest.FsckMode;
import dev.manifestinit.manifest.PartitionLabel;
import java.util.ArrayList;
import java.util.List;

/** Runs fsck.&lt;type&gt; on a partition before it is mounted, repairing what preen mode repairs. */
public final class CheckFilesystem implements Step {
    /** fsck exit status bits, from fsck(8). */
    private static final int CORRECTED = 1;
    private static final int REBOOT_REQUIRED = 2;
    private static final int UNCORRECTED = 4;
    private static final int OPERATIONAL_ERROR = 8;
    private static final int USAGE_ERROR = 16;
    private static final int CANCELLED = 32;

    private final PartitionLabel label;
    private final FilesystemType type;
    private final FsckMode mode;

    public CheckFilesystem(PartitionLabel label, FilesystemType type, FsckMode mode) {
        this.label = label;
        this.type = type;
        this.mode = mode;
    }

    @Override
    public String describe() {
        return "PARTLABEL=" + label + " (" + String.join(" ", command("<device>")) + ")";
    }

    private List<String> command(String device) {
        List<String> command = new ArrayList<>();
        command.add("fsck." + type.kernelName());
        if (mode == FsckMode.FORCE) {
            command.add("-f");
        }
        command.add("-p");
        command.add(device);
        return command;
    }

    @Override
    public Outcome apply(StepContext context) throws StepFailure {
        String device = context.partitionDevice(label);
        List<String> command = command(device);
        String program = context.tools().find(command.get(0));
        if (program == null) {
            throw new StepFailure(command.get(0) + " not found in the initramfs; it is needed to check " + device);
        }
        command.set(0, program);
        ToolRunner.Result result = context.tools().run(command);
        String ran = String.join(" ", command);
        if (result.signal() != 0) {
            throw new StepFailure(ran + " was killed by signal " + result.signal() + output(result));
        }
        int status = result.exitStatus();
        if (status == 0) {
            return Outcome.done(ran + ": clean");
        }
        // NOTE: only the outcomes that leave the filesystem usable let the boot go on; per-outcome
        // policies (reboot, read-only, reformat) are not expressible in the manifest yet.
        if ((status & ~(CORRECTED | REBOOT_REQUIRED)) == 0) {
            // The filesystem is not mounted yet, so "reboot required" does not apply to it.
            return Outcome.done(ran + ": exit status " + status + ", errors corrected" + output(result));
        }
        throw new StepFailure(ran + " exited with status " + status + " (" + meaning(status) + ")" + output(result));
    }

    private static String meaning(int status) {
        List<String> parts = new ArrayList<>();
        if ((status & UNCORRECTED) != 0) {
            parts.add("errors left uncorrected");
        }
        if ((status & OPERATIONAL_ERROR) != 0) {
            parts.add("operational error");
        }
        if ((status & USAGE_ERROR) != 0) {
            parts.add("usage or syntax error");
        }
        if ((status & CANCELLED) != 0) {
            parts.add("cancelled by request");
        }
        return parts.isEmpty() ? "unknown status" : String.join(", ", parts);
    }

    private static String output(ToolRunner.Result result) {
        String text = result.output().strip();
        return text.isEmpty() ? "" : "; output: " + text.replace('\n', ' ');
    }
}
