package dev.manifestinit.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.exec.ProcessToolRunner;
import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.manifest.FsckAction;
import dev.manifestinit.manifest.FsckMode;
import dev.manifestinit.manifest.FsckOutcome;
import dev.manifestinit.manifest.FsckPolicy;
import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.os.LinuxKernel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs CheckFilesystem against stub fsck and mkfs programs, shell scripts in a temporary
 * directory that the tool runner searches instead of the initramfs's. Each stub appends its
 * arguments to a log file, prints a line to standard output and one to standard error, and exits
 * with the status the test chose, or kills itself with SIGKILL. Rootless.
 */
class CheckFilesystemTest {
    private static final PartitionLabel RWFS = new PartitionLabel("rwfs");
    /** One distinct action per outcome, so the action taken shows which outcome the step chose. */
    private static final FsckPolicy DISTINCT = new FsckPolicy(FsckMode.PREEN, FsckAction.CONTINUE,
            FsckAction.READ_ONLY, FsckAction.EMERGENCY);
    private static final String DEVICE = "/dev/test-rwfs";

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void cleanOrCorrectedGoesOn(int status) throws Exception {
        StepContext context = context(fsckStub("exit " + status));

        Outcome outcome = new CheckFilesystem(RWFS, FilesystemType.EXT4, DISTINCT).apply(context);

        assertFalse(outcome.skipped());
        assertTrue(outcome.detail().contains("exited with status " + status), outcome.detail());
        assertFalse(context.readOnlyRequested(RWFS));
        assertEquals(Optional.empty(), context.fsckResults().get(0).outcome());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void rebootRequiredFollowsItsAction(int status) throws Exception {
        StepContext context = context(fsckStub("exit " + status));

        Outcome outcome = new CheckFilesystem(RWFS, FilesystemType.EXT4, DISTINCT).apply(context);

        assertTrue(outcome.detail().contains("reboot required"), outcome.detail());
        assertTrue(outcome.detail().contains("onRebootRequired is continue"), outcome.detail());
        assertFalse(context.readOnlyRequested(RWFS));
        assertEquals(Optional.of(FsckOutcome.REBOOT_REQUIRED), context.fsckResults().get(0).outcome());
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5, 6, 7})
    void uncorrectedFollowsItsAction(int status) throws Exception {
        StepContext context = context(fsckStub("exit " + status));

        Outcome outcome = new CheckFilesystem(RWFS, FilesystemType.EXT4, DISTINCT).apply(context);

        assertTrue(outcome.detail().contains("errors left uncorrected"), outcome.detail());
        assertTrue(outcome.detail().contains("onUncorrected is readOnly"), outcome.detail());
        assertTrue(context.readOnlyRequested(RWFS));
        assertEquals(Optional.of(FsckAction.READ_ONLY), context.fsckResults().get(0).action());
    }

    /** 8, 16 and 32 are fsck(8)'s failures, 128 is e2fsck's library error, 64 is no defined bit. */
    @ParameterizedTest
    @ValueSource(ints = {8, 12, 16, 32, 64, 128})
    void failureFollowsItsAction(int status) throws Exception {
        StepContext context = context(fsckStub("exit " + status));

        StepFailure failure = assertThrows(StepFailure.class,
                () -> new CheckFilesystem(RWFS, FilesystemType.EXT4, DISTINCT).apply(context));

        assertTrue(failure.getMessage().contains("exited with status " + status), failure.getMessage());
        assertTrue(failure.getMessage().contains("onFailure is emergency"), failure.getMessage());
        assertEquals(FailureAction.EMERGENCY, failure.action());
        assertEquals(Optional.of(FsckOutcome.FAILED), context.fsckResults().get(0).outcome());
    }

    @Test
    void signalIsFailure() throws Exception {
        StepContext context = context(fsckStub("kill -KILL $$"));

        StepFailure failure = assertThrows(StepFailure.class,
                () -> new CheckFilesystem(RWFS, FilesystemType.EXT4, DISTINCT).apply(context));

        assertTrue(failure.getMessage().contains("was killed by signal 9"), failure.getMessage());
        assertTrue(failure.getMessage().contains("onFailure is emergency"), failure.getMessage());
        assertEquals(9, context.fsckResults().get(0).signal());
    }

    @Test
    void commandStatusAndOutputLogged() throws Exception {
        StepContext context = context(fsckStub("exit 1"));

        Outcome outcome = new CheckFilesystem(RWFS, FilesystemType.EXT4, DISTINCT).apply(context);

        String expectedCommand = directory.resolve("bin/fsck.ext4") + " -p " + DEVICE;
        assertTrue(outcome.detail().startsWith(expectedCommand + " exited with status 1 (errors corrected)"),
                outcome.detail());
        assertTrue(outcome.detail().contains("stub standard output"), outcome.detail());
        assertTrue(outcome.detail().contains("stub standard error"), outcome.detail());
        FsckResult result = context.fsckResults().get(0);
        assertEquals(List.of(directory.resolve("bin/fsck.ext4").toString(), "-p", DEVICE), result.command());
        assertEquals(1, result.exitStatus());
        assertEquals(DEVICE, result.device());
    }

    @Test
    void forceModeAddsDashF() throws Exception {
        StepContext context = context(fsckStub("exit 0"));
        FsckPolicy force = new FsckPolicy(FsckMode.FORCE, FsckAction.CONTINUE, FsckAction.EMERGENCY,
                FsckAction.EMERGENCY);

        new CheckFilesystem(RWFS, FilesystemType.EXT4, force).apply(context);

        assertEquals("fsck.ext4 -f -p " + DEVICE, lastCall());
    }

    @Test
    void rebootActionRequestsReboot() throws Exception {
        StepContext context = context(fsckStub("exit 2"));
        FsckPolicy reboot = new FsckPolicy(FsckMode.PREEN, FsckAction.REBOOT, FsckAction.EMERGENCY,
                FsckAction.EMERGENCY);

        StepFailure failure = assertThrows(StepFailure.class,
                () -> new CheckFilesystem(RWFS, FilesystemType.EXT4, reboot).apply(context));

        assertEquals(FailureAction.REBOOT, failure.action());
        assertEquals(FailureAction.REBOOT, FailureAction.requestedBy(new Exception("step 9 failed", failure)));
        assertTrue(failure.getMessage().contains("onRebootRequired is reboot"), failure.getMessage());
    }

    @Test
    void continueOnFailureKeepsFailureInLog() throws Exception {
        StepContext context = context(fsckStub("exit 8"));
        FsckPolicy carryOn = new FsckPolicy(FsckMode.PREEN, FsckAction.CONTINUE, FsckAction.CONTINUE,
                FsckAction.CONTINUE);

        Outcome outcome = new CheckFilesystem(RWFS, FilesystemType.EXT4, carryOn).apply(context);

        assertTrue(outcome.detail().contains("exited with status 8 (operational error)"), outcome.detail());
        assertTrue(outcome.detail().contains("onFailure is continue"), outcome.detail());
    }

    @Test
    void reformatRunsMkfsOnFoundPartition() throws Exception {
        StepContext context = context(fsckStub("exit 4"));
        stub("mkfs.ext4", "exit 0");
        FsckPolicy reformat = new FsckPolicy(FsckMode.PREEN, FsckAction.CONTINUE, FsckAction.REFORMAT,
                FsckAction.EMERGENCY);

        Outcome outcome = new CheckFilesystem(RWFS, FilesystemType.EXT4, reformat).apply(context);

        assertEquals("mkfs.ext4 -q -F " + DEVICE, lastCall());
        assertTrue(outcome.detail().contains("onUncorrected is reformat"), outcome.detail());
        assertTrue(outcome.detail().contains("made an empty ext4 filesystem"), outcome.detail());
    }

    @Test
    void failedReformatFailsStep() throws Exception {
        StepContext context = context(fsckStub("exit 4"));
        stub("mkfs.ext4", "exit 1");
        FsckPolicy reformat = new FsckPolicy(FsckMode.PREEN, FsckAction.CONTINUE, FsckAction.REFORMAT,
                FsckAction.EMERGENCY);

        StepFailure failure = assertThrows(StepFailure.class,
                () -> new CheckFilesystem(RWFS, FilesystemType.EXT4, reformat).apply(context));

        assertTrue(failure.getMessage().contains("mkfs.ext4 -q -F " + DEVICE + " exited with status 1"),
                failure.getMessage());
        assertEquals(FailureAction.EMERGENCY, failure.action());
    }

    @Test
    void missingFsckNamed() throws Exception {
        Files.createDirectories(directory.resolve("bin"));
        StepContext context = context(directory.resolve("bin"));

        StepFailure failure = assertThrows(StepFailure.class,
                () -> new CheckFilesystem(RWFS, FilesystemType.EXT4, DISTINCT).apply(context));

        assertEquals("fsck.ext4 not found in the initramfs; it is needed to check " + DEVICE, failure.getMessage());
    }

    @Test
    void planShowsEveryAction() {
        FsckPolicy reformat = new FsckPolicy(FsckMode.FORCE, FsckAction.REBOOT, FsckAction.REFORMAT,
                FsckAction.READ_ONLY);

        String description = new CheckFilesystem(RWFS, FilesystemType.EXT4, reformat).describe();

        assertEquals("PARTLABEL=rwfs (fsck.ext4 -f -p <device>; onRebootRequired (2): reboot, onUncorrected (4):"
                + " reformat with mkfs.ext4 -q -F <device>, onFailure (8, 16, 32, 128, signal): readOnly)", description);
    }

    /** Writes the stub fsck.ext4 with {@code ending} as its last command and returns its directory. */
    private Path fsckStub(String ending) throws IOException {
        return stub("fsck.ext4", ending);
    }

    private Path stub(String name, String ending) throws IOException {
        Path bin = Files.createDirectories(directory.resolve("bin"));
        Path script = bin.resolve(name);
        Files.writeString(script, "#!/bin/sh\n"
                + "echo \"" + name + " $*\" >>'" + directory.resolve("calls.log") + "'\n"
                + "echo 'stub standard output'\n"
                + "echo 'stub standard error' >&2\n"
                + ending + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private String lastCall() throws IOException {
        List<String> calls = Files.readAllLines(directory.resolve("calls.log"), StandardCharsets.UTF_8);
        return calls.get(calls.size() - 1);
    }

    private static StepContext context(Path bin) {
        StepContext context = new StepContext(new LinuxKernel(), null, new ProcessToolRunner(List.of(bin)));
        context.recordPartitions(Map.of(RWFS, DEVICE));
        return context;
    }
}
