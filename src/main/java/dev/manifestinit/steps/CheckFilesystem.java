package dev.manifestinit.steps;

import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.manifest.FsckAction;
import dev.manifestinit.manifest.FsckMode;
import dev.manifestinit.manifest.FsckOutcome;
import dev.manifestinit.manifest.FsckPolicy;
import dev.manifestinit.manifest.PartitionLabel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs fsck.&lt;type&gt; on a partition before it is mounted, and carries out the action that the
 * manifest sets for its outcome. The reformat action runs mkfs.&lt;type&gt; on the partition.
 */
public final class CheckFilesystem implements Step {
    /**
     * The bits of fsck's exit status (fsck(8), e2fsck(8)), each with its meaning and the outcome
     * that decides what happens. Bits 0 and 1 need no decision.
     */
    private enum StatusBit {
        CORRECTED(1, "errors corrected", null),
        REBOOT_REQUIRED(2, "reboot required", FsckOutcome.REBOOT_REQUIRED),
        UNCORRECTED(4, "errors left uncorrected", FsckOutcome.UNCORRECTED),
        OPERATIONAL_ERROR(8, "operational error", FsckOutcome.FAILED),
        USAGE_ERROR(16, "usage or syntax error", FsckOutcome.FAILED),
        CANCELLED(32, "cancelled by request", FsckOutcome.FAILED),
        /** e2fsck's FSCK_LIBRARY; fsck(8) calls it a shared-library error. */
        LIBRARY_ERROR(128, "shared-library error", FsckOutcome.FAILED);

        private final int bit;
        private final String meaning;
        private final FsckOutcome outcome;

        StatusBit(int bit, String meaning, FsckOutcome outcome) {
            this.bit = bit;
            this.meaning = meaning;
            this.outcome = outcome;
        }
    }

    private final PartitionLabel label;
    private final FilesystemType type;
    private final FsckPolicy policy;

    public CheckFilesystem(PartitionLabel label, FilesystemType type, FsckPolicy policy) {
        if (policy.mode() == FsckMode.SKIP) {
            throw new IllegalArgumentException("fsck mode skip runs no check; plan no CheckFilesystem for " + label);
        }
        this.label = label;
        this.type = type;
        this.policy = policy;
    }

    @Override
    public String describe() {
        String actions = policy.mode().outcomes().stream()
                .map(outcome -> outcome.key() + " (" + statusText(outcome) + "): " + describe(outcome))
                .collect(Collectors.joining(", "));
        return "PARTLABEL=" + label + " (" + String.join(" ", fsckCommand("<device>")) + "; " + actions + ")";
    }

    private String describe(FsckOutcome outcome) {
        FsckAction action = policy.action(outcome).orElseThrow();
        if (action == FsckAction.REFORMAT) {
            return "reformat with " + String.join(" ", mkfsCommand("<device>"));
        }
        return action.toString();
    }

    private static String statusText(FsckOutcome outcome) {
        List<String> bits = new ArrayList<>();
        for (StatusBit bit : StatusBit.values()) {
            if (bit.outcome == outcome) {
                bits.add(Integer.toString(bit.bit));
            }
        }
        if (outcome == FsckOutcome.FAILED) {
            bits.add("signal");
        }
        return String.join(", ", bits);
    }

    private List<String> fsckCommand(String device) {
        List<String> command = new ArrayList<>();
        command.add("fsck." + type.kernelName());
        if (policy.mode() == FsckMode.FORCE) {
            command.add("-f");
        }
        command.add("-p");
        command.add(device);
        return command;
    }

    /**
     * mkfs without questions: -F, because mke2fs otherwise prompts before it overwrites an existing
     * filesystem and takes the end of input on an initramfs console as "no".
     */
    private List<String> mkfsCommand(String device) {
        return new ArrayList<>(List.of("mkfs." + type.kernelName(), "-q", "-F", device));
    }

    @Override
    public Outcome apply(StepContext context) throws StepFailure {
        String device = context.partitionDevice(label);
        List<String> command = resolve(context, fsckCommand(device), "check " + device);
        ToolRunner.Result result = context.tools().run(command);
        String report = String.join(" ", command) + " " + describeStatus(result) + output(result);

        Optional<FsckOutcome> outcome = outcome(result);
        Optional<FsckAction> action = outcome.map(found -> policy.action(found).orElseThrow(() ->
                new IllegalStateException("no action for " + found + " in the validated fsck policy of " + label)));
        context.recordFsckResult(new FsckResult(label, device, command, result.exitStatus(), result.signal(),
                result.output(), outcome, action));
        if (outcome.isEmpty()) {
            return Outcome.done(report);
        }

        String decision = report + "; " + outcome.get().key() + " is " + action.get();
        return switch (action.get()) {
            case CONTINUE -> Outcome.done(decision + ", so the boot goes on");
            case READ_ONLY -> {
                context.requestReadOnly(label);
                yield Outcome.done(decision + ", so " + label + " is mounted read-only");
            }
            case EMERGENCY -> throw new StepFailure(decision);
            case REBOOT -> throw new StepFailure(decision, FailureAction.REBOOT);
            case REFORMAT -> reformat(context, device, decision);
        };
    }

    /**
     * Formats the partition that FindPartitions found by this step's label, the only device this
     * step ever formats.
     */
    private Outcome reformat(StepContext context, String device, String decision) throws StepFailure {
        List<String> command = resolve(context, mkfsCommand(device), "reformat " + device + " after: " + decision);
        ToolRunner.Result result = context.tools().run(command);
        String ran = String.join(" ", command);
        if (result.signal() != 0 || result.exitStatus() != 0) {
            throw new StepFailure(decision + ", but " + ran + " " + describeStatus(result) + output(result));
        }
        return Outcome.done(decision + ": " + ran + " made an empty " + type + " filesystem" + output(result));
    }

    /** Replaces the program name in {@code command} with its path in the initramfs. */
    private static List<String> resolve(StepContext context, List<String> command, String purpose) throws StepFailure {
        String program = context.tools().find(command.get(0));
        if (program == null) {
            throw new StepFailure(command.get(0) + " not found in the initramfs; it is needed to " + purpose);
        }
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, program);
        return resolved;
    }

    /**
     * Returns the outcome that needs a decision, the most severe when several bits are set: a
     * failure, then uncorrected errors, then a required reboot. Bits that fsck(8) does not define
     * count as a failure.
     */
    private static Optional<FsckOutcome> outcome(ToolRunner.Result result) {
        if (result.signal() != 0) {
            return Optional.of(FsckOutcome.FAILED);
        }
        int status = result.exitStatus();
        int known = 0;
        for (StatusBit bit : StatusBit.values()) {
            known |= bit.bit;
        }
        if ((status & ~known) != 0) {
            return Optional.of(FsckOutcome.FAILED);
        }
        FsckOutcome worst = null;
        for (StatusBit bit : StatusBit.values()) {
            if ((status & bit.bit) != 0 && bit.outcome != null
                    && (worst == null || bit.outcome.compareTo(worst) > 0)) {
                worst = bit.outcome;
            }
        }
        return Optional.ofNullable(worst);
    }

    private static String describeStatus(ToolRunner.Result result) {
        if (result.signal() != 0) {
            return "was killed by signal " + result.signal();
        }
        int status = result.exitStatus();
        if (status == 0) {
            return "exited with status 0 (clean)";
        }
        List<String> meanings = new ArrayList<>();
        int rest = status;
        for (StatusBit bit : StatusBit.values()) {
            if ((status & bit.bit) != 0) {
                meanings.add(bit.meaning);
                rest &= ~bit.bit;
            }
        }
        if (rest != 0) {
            meanings.add("unknown bits " + rest);
        }
        return "exited with status " + status + " (" + String.join(", ", meanings) + ")";
    }

    private static String output(ToolRunner.Result result) {
        String text = result.output().strip();
        return text.isEmpty() ? "" : "; output: " + text.replace('\n', ' ');
    }
}
