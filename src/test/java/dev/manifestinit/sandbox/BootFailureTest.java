package dev.manifestinit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.NeedsRoot;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Boots that the Java init must stop before it switches root, with a message and no stack trace.
 * The product's wording is still changing, so the tests assert facts, not sentences: exit
 * statuses, the label, path or device named, and no exception in the output. The initramfs files
 * must still be there afterwards, which shows that the init stopped before deleting anything.
 *
 * <p>manifests/rainier.yaml starts /bin/sh as an emergency shell when a boot fails, and that shell's
 * exit status would hide the init's. So these boots leave /bin/sh out of the initramfs, except the
 * tests of the shell itself; without it the manifest's withoutShell, a reboot, ends the PID
 * namespace with status 129.
 *
 * <p>Disk layout (src/sandbox/boot): by default GPT with rofs-a, rofs-b, rwfs and hostfw on a loop
 * device; some tests change the layout or the rofs images' /sbin/init.
 */
@NeedsRoot
@EnabledIf(value = "dev.manifestinit.sandbox.SandboxBoot#productCliBuilt",
        disabledReason = "the product's entry point " + SandboxBoot.MAIN_CLASS + " is not built yet")
class BootFailureTest {
    private static final String WITHOUT_SHELL = "--without-shell";
    private static final Pattern STACK_TRACE = Pattern.compile("Exception|\\sat dev\\.manifestinit\\.");

    @Test
    void missingPartitionLabel() throws Exception {
        BootResult boot = SandboxBoot.boot("failure-missing-label", WITHOUT_SHELL,
                "--layout", "rofs-a,rofs-b,hostfw");

        assertStoppedBeforeSwitch(boot);
        assertTrue(boot.initOutput().contains("rwfs"), () -> boot.withLog("the missing label rwfs is not named"));
    }

    @Test
    void duplicatedPartitionLabel() throws Exception {
        BootResult boot = SandboxBoot.boot("failure-duplicated-label", WITHOUT_SHELL,
                "--layout", "rofs-a,rofs-b,rwfs,rwfs,hostfw");

        assertStoppedBeforeSwitch(boot);
        assertTrue(boot.initOutput().contains("rwfs"), () -> boot.withLog("the duplicated label rwfs is not named"));
    }

    @Test
    void targetInitMissing() throws Exception {
        BootResult boot = SandboxBoot.boot("failure-init-missing", WITHOUT_SHELL, "--target-init", "none");

        assertStoppedBeforeSwitch(boot);
        assertTrue(boot.initOutput().contains("/sbin/init"), () -> boot.withLog("the missing /sbin/init is not named"));
    }

    @Test
    void targetInitEmpty() throws Exception {
        BootResult boot = SandboxBoot.boot("failure-init-empty", WITHOUT_SHELL, "--target-init", "/dev/null");

        assertStoppedBeforeSwitch(boot);
        assertTrue(boot.initOutput().contains("/sbin/init"), () -> boot.withLog("the empty /sbin/init is not named"));
    }

    @Test
    void notProcessOne() throws Exception {
        BootResult boot = SandboxBoot.boot("failure-not-pid1", WITHOUT_SHELL, "--no-pid-namespace");

        assertStoppedBeforeSwitch(boot);
    }

    @Test
    void yamlSyntaxError() throws Exception {
        // An unclosed flow sequence in the rwfs mount's options.
        Path manifest = SandboxBoot.editedManifest("syntax-error", "    options: [rw]\n", "    options: [rw\n");
        BootResult boot = SandboxBoot.boot("failure-yaml-syntax", WITHOUT_SHELL, "--manifest", manifest.toString());

        assertStoppedBeforeSwitch(boot);
        assertEquals(OptionalInt.of(1), boot.pid1ExitStatus(), () -> boot.withLog("the init's exit status is not 1"));
        assertTrue(Pattern.compile("manifest\\.yaml:\\d+:\\d+").matcher(boot.initOutput()).find(),
                () -> boot.withLog("no FILE:LINE:COL position of the syntax error"));
    }

    @Test
    void invalidManifestStartsNoShell() throws Exception {
        Path manifest = SandboxBoot.editedManifest("syntax-error", "    options: [rw]\n", "    options: [rw\n");
        Path console = SandboxBoot.consoleInput("no-shell", "echo EMERGENCY-SHELL-RAN\nexit 7\n");
        BootResult boot = SandboxBoot.boot("failure-invalid-manifest-shell", "--manifest", manifest.toString(),
                "--console-input", console.toString());

        assertStoppedBeforeSwitch(boot);
        assertEquals(OptionalInt.of(1), boot.pid1ExitStatus(), () -> boot.withLog("the init's exit status is not 1"));
        assertFalse(boot.initOutput().lines().anyMatch("EMERGENCY-SHELL-RAN"::equals),
                () -> boot.withLog("a shell ran although the manifest that allows it is invalid"));
    }

    @Test
    void emergencyShellReadsConsole() throws Exception {
        Path console = SandboxBoot.consoleInput("emergency-shell", "echo EMERGENCY-SHELL-RAN\nexit 7\n");
        BootResult boot = SandboxBoot.boot("failure-emergency-shell", "--target-init", "none",
                "--console-input", console.toString());

        assertNotEquals(0, boot.exitCode(), () -> boot.withLog("the boot passed"));
        assertEquals(OptionalInt.of(7), boot.pid1ExitStatus(), () -> boot.withLog("the shell's exit status is not 7"));
        assertFalse(boot.markerPrinted(), () -> boot.withLog("the target init ran"));
        assertTrue(boot.initOutput().lines().anyMatch("EMERGENCY-SHELL-RAN"::equals),
                () -> boot.withLog("the emergency shell did not run the console's commands"));
        assertFalse(STACK_TRACE.matcher(boot.log()).find(), () -> boot.withLog("the output has a stack trace"));
    }

    /**
     * Asserts the facts every early failure shares: the boot failed, PID 1 exited non-zero, the
     * target init never ran, no stack trace was printed and the initramfs files are still there.
     */
    private static void assertStoppedBeforeSwitch(BootResult boot) {
        assertNotEquals(0, boot.exitCode(), () -> boot.withLog("the boot passed"));

        OptionalInt status = boot.pid1ExitStatus();
        assertTrue(status.isPresent(), () -> boot.withLog("no exit status of PID 1"));
        assertNotEquals(0, status.getAsInt(), () -> boot.withLog("PID 1 exited with status 0"));

        assertFalse(boot.markerPrinted(), () -> boot.withLog("the target init ran"));
        assertFalse(STACK_TRACE.matcher(boot.log()).find(), () -> boot.withLog("the output has a stack trace"));

        CheckLine leftover = boot.outside(5);
        boot.assertFailed(leftover);
        assertTrue(leftover.detail().contains("manifest-init.jar"),
                () -> boot.withLog("initramfs files were deleted: " + leftover.detail()));
    }
}
