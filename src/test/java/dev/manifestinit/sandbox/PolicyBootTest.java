package dev.manifestinit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.NeedsRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.yaml.snakeyaml.Yaml;

/**
 * Sandbox boots of the failure policy, the shell policy, init.break, the factory reset and the
 * boot record, with manifests/rainier.yaml or a copy with one policy line changed.
 *
 * <p>Disk layout (src/sandbox/boot): GPT with rofs-a, rofs-b, rwfs and hostfw on a loop device,
 * and a redundant u-boot environment in the gap before the first partition. Some tests fill rwfs
 * and hostfw with files and read their checksums back after the boot.
 */
@NeedsRoot
@EnabledIf(value = "dev.manifestinit.sandbox.SandboxBoot#productCliBuilt",
        disabledReason = "the product's entry point " + SandboxBoot.MAIN_CLASS + " is not built yet")
class PolicyBootTest {
    private static final Pattern FILE_LINE = Pattern.compile("(?m)^FILE (\\S+) ([0-9a-f]{64}) (.+)$");
    private static final Pattern RECORD_LINE = Pattern.compile("(?m)^BOOT-RECORD (\\{.*\\})$");
    /** PID 1 of a PID namespace that calls reboot(RB_AUTOBOOT) ends as if killed by SIGHUP. */
    private static final int REBOOTED = 129;
    /** The boot counter of the test target init, in the /etc overlay's upper directory on rwfs. */
    private static final String TARGET_INIT_COUNTER = "persist/etc/target-init-boots";

    @Test
    void resetByVariableFormatsAndKeepsFiles() throws Exception {
        Path rwfs = tree("reset-rwfs", Map.of("persist/etc/hostname", "user-setting\n", "log/old", "old log\n"));
        Path hostfw = tree("reset-hostfw", Map.of("hostfw-a", "side a image\n", "hostfw-b", "side b image\n",
                "patch/lid", "patch\n"));
        Path environment = variables("reset-request", "bootcmd=echo sandbox\nrwreset=true\n");

        BootResult boot = SandboxBoot.boot("policy-reset-variable", "--uboot-env", environment.toString(),
                "--content", "rwfs:" + rwfs, "--content", "hostfw:" + hostfw,
                "--report-files", "rwfs", "--report-files", "hostfw");

        assertEquals(0, boot.exitCode(), () -> boot.withLog("the boot failed"));
        assertEquals(Map.of(), files(boot, "rwfs"), boot.withLog("rwfs was not emptied"));
        Map<String, String> before = checksums(hostfw);
        assertEquals(Map.of("hostfw-a", before.get("hostfw-a"), "hostfw-b", before.get("hostfw-b")),
                files(boot, "hostfw"), boot.withLog("hostfw does not hold exactly the kept files"));
        assertFalse(boot.log().contains("UBOOT-ENV rwreset="), boot.withLog("rwreset was not cleared"));
        assertTrue(boot.log().contains("UBOOT-ENV bootcmd=echo sandbox"), boot.withLog("bootcmd was lost"));
        Map<String, Object> reset = fact(boot, "factoryReset");
        assertEquals(true, reset.get("reset"), boot.withLog("the record has no reset"));
        Object facts = record(boot).get("facts");
        assertTrue(facts instanceof Map<?, ?>, boot.withLog("the record has no facts"));
        assertEquals(true, ((Map<?, ?>) facts).get("factoryResetCleared"), boot.withLog("the record has no cleared request"));
    }

    @Test
    void bootWithoutResetKeepsRwfs() throws Exception {
        Path rwfs = tree("keep-rwfs", Map.of("persist/etc/hostname", "user-setting\n", "data/settings", "x=1\n"));

        BootResult boot = SandboxBoot.boot("policy-no-reset", "--content", "rwfs:" + rwfs, "--report-files", "rwfs");

        assertEquals(0, boot.exitCode(), () -> boot.withLog("the boot failed"));
        assertEquals(checksums(rwfs), files(boot, "rwfs"), boot.withLog("rwfs changed in a boot without reset"));
        assertEquals(false, fact(boot, "factoryReset").get("reset"));
        Map<String, Object> record = record(boot);
        assertEquals("rofs-a", record.get("root"));
        assertEquals("switch_root to rofs-a", record.get("outcome"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps = (List<Map<String, Object>>) record.get("steps");
        Map<String, Object> last = steps.get(steps.size() - 1);
        assertEquals("SwitchRoot", last.get("name"), boot.withLog("the last step in the record"));
        assertEquals("started", last.get("result"), boot.withLog("the result of SwitchRoot in the record"));
        for (Map<String, Object> step : steps.subList(0, steps.size() - 1)) {
            assertTrue(step.get("durationMs") instanceof Integer, boot.withLog("no duration for " + step));
        }
    }

    @Test
    void interruptedResetRepeats() throws Exception {
        Path hostfw = tree("repeat-hostfw", Map.of("hostfw-a", "side a image\n", "hostfw-b", "side b image\n"));
        Path environment = variables("repeat-request", "bootcmd=echo sandbox\nrwreset=true\n");
        // lost+found is a directory, so keeping it fails after rwfs was formatted and before hostfw is.
        Path failing = SandboxBoot.editedManifest("keep-directory", "keep: [hostfw-a, hostfw-b]",
                "keep: [hostfw-a, lost+found]");

        BootResult first = SandboxBoot.boot("policy-reset-interrupted", "--manifest", failing.toString(),
                "--without-shell", "--uboot-env", environment.toString(), "--content", "hostfw:" + hostfw,
                "--keep-image");
        assertEquals(OptionalInt.of(REBOOTED), first.pid1ExitStatus(), () -> first.withLog("the first boot did not reboot"));
        assertTrue(first.log().contains("UBOOT-ENV rwreset=true"), first.withLog("the request was cleared too early"));
        Path image = keptImage(first);
        try {
            BootResult second = SandboxBoot.boot("policy-reset-repeated", "--image", image.toString(),
                    "--report-files", "hostfw");

            assertEquals(0, second.exitCode(), () -> second.withLog("the repeated reset failed"));
            assertEquals(true, fact(second, "factoryReset").get("reset"), second.withLog("no reset in the second boot"));
            assertFalse(second.log().contains("UBOOT-ENV rwreset="), second.withLog("rwreset was not cleared"));
            Map<String, String> before = checksums(hostfw);
            assertEquals(Map.of("hostfw-a", before.get("hostfw-a"), "hostfw-b", before.get("hostfw-b")),
                    files(second, "hostfw"), second.withLog("hostfw after the repeated reset"));
        } finally {
            Files.deleteIfExists(image);
            Files.deleteIfExists(image.getParent());
        }
    }

    @Test
    void failedSideBootsTheOtherSide() throws Exception {
        Path manifest = SandboxBoot.editedManifest("other-side", "  otherSide: false", "  otherSide: true");

        BootResult boot = SandboxBoot.boot("policy-other-side", "--manifest", manifest.toString(),
                "--without-init-on", "rofs-a", "--expect-side", "rofs-b");

        assertEquals(0, boot.exitCode(), () -> boot.withLog("the boot did not end on rofs-b"));
        assertTrue(boot.initOutput().contains("next: booting root side rofs-b"), boot.withLog("no side switch line"));
        Map<String, Object> record = record(boot);
        assertEquals("rofs-b", record.get("root"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> failures = (List<Map<String, Object>>) record.get("failures");
        assertEquals(1, failures.size(), boot.withLog("failures in the record"));
        assertTrue(String.valueOf(failures.get(0).get("cause")).contains("/sbin/init"), boot.withLog("failure cause"));
    }

    @Test
    void failureWithoutShellRebootsWithOneMessage() throws Exception {
        BootResult boot = SandboxBoot.boot("policy-reboot", "--without-shell", "--target-init", "none");

        assertEquals(OptionalInt.of(REBOOTED), boot.pid1ExitStatus(), () -> boot.withLog("PID 1 did not reboot"));
        String message = boot.initOutput().lines().filter(line -> line.contains("boot failed at step"))
                .findFirst().orElse("");
        assertTrue(message.contains("SwitchRoot"), boot.withLog("the message names no step"));
        assertTrue(message.contains("/sbin/init not found in the new root /newroot"),
                boot.withLog("the message names no path and cause"));
        assertTrue(message.contains("next: rebooting"), boot.withLog("the message names no response"));
    }

    @Test
    void forbiddenShellNeverStarts() throws Exception {
        Path manifest = SandboxBoot.editedManifest("shell-never", "  allow: always", "  allow: never");
        Path console = SandboxBoot.consoleInput("shell-never", "echo EMERGENCY-SHELL-RAN\nexit 7\n");

        BootResult boot = SandboxBoot.boot("policy-shell-never", "--manifest", manifest.toString(), "--target-init",
                "none", "--console-input", console.toString(), "--cmdline", "init.break=SwitchRoot manifest-init.shell");

        assertEquals(OptionalInt.of(REBOOTED), boot.pid1ExitStatus(), () -> boot.withLog("PID 1 did not reboot"));
        assertFalse(boot.initOutput().contains("EMERGENCY-SHELL-RAN"), boot.withLog("a forbidden shell ran"));
        assertTrue(boot.initOutput().contains("init.break is ignored"), boot.withLog("the break was not refused"));
    }

    @Test
    void flagGatedShell() throws Exception {
        Path manifest = SandboxBoot.editedManifest("shell-flag", "  allow: always",
                "  allow: flag\n  flag: manifest-init.shell");
        Path console = SandboxBoot.consoleInput("shell-flag", "echo EMERGENCY-SHELL-RAN\nexit 7\n");

        BootResult without = SandboxBoot.boot("policy-shell-flag-absent", "--manifest", manifest.toString(),
                "--target-init", "none", "--console-input", console.toString(), "--cmdline", "no-manifest-init.shell");
        assertEquals(OptionalInt.of(REBOOTED), without.pid1ExitStatus(), () -> without.withLog("PID 1 did not reboot"));
        assertFalse(without.initOutput().contains("EMERGENCY-SHELL-RAN"), without.withLog("the shell ran without its flag"));

        BootResult with = SandboxBoot.boot("policy-shell-flag-present", "--manifest", manifest.toString(),
                "--target-init", "none", "--console-input", console.toString(), "--cmdline", "manifest-init.shell");
        assertEquals(OptionalInt.of(7), with.pid1ExitStatus(), () -> with.withLog("the shell did not exit with 7"));
        assertTrue(with.initOutput().lines().anyMatch("EMERGENCY-SHELL-RAN"::equals), with.withLog("no shell"));
    }

    @Test
    void breakStopsBeforeTheStepAndGoesOn() throws Exception {
        Path console = SandboxBoot.consoleInput("break", "echo BREAK-SHELL-RAN; ls /newroot/var/persist; exit 0\n");

        BootResult boot = SandboxBoot.boot("policy-break", "--console-input", console.toString(),
                "--cmdline", "init.break=SwitchRoot");

        assertEquals(0, boot.exitCode(), () -> boot.withLog("the boot did not go on after the shell"));
        String output = boot.initOutput();
        int shell = output.indexOf("BREAK-SHELL-RAN");
        assertTrue(shell >= 0, boot.withLog("the break shell did not run"));
        Matcher switchRoot = Pattern.compile("\\[started\\] \\d+/\\d+ SwitchRoot").matcher(output);
        assertTrue(switchRoot.find(), boot.withLog("SwitchRoot did not start"));
        assertTrue(switchRoot.start() > shell, boot.withLog("the shell ran after SwitchRoot"));
        assertTrue(output.contains("etc-work"), boot.withLog("the shell did not see the mounted rwfs"));
    }

    private static Map<String, Object> fact(BootResult boot, String name) {
        Object facts = record(boot).get("facts");
        if (!(facts instanceof Map<?, ?> map) || !(map.get(name) instanceof Map<?, ?> fact)) {
            throw new AssertionError(boot.withLog("no fact " + name + " in the boot record"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) fact;
        return typed;
    }

    private static Map<String, Object> record(BootResult boot) {
        Matcher matcher = RECORD_LINE.matcher(boot.log());
        if (!matcher.find()) {
            throw new AssertionError(boot.withLog("no BOOT-RECORD line"));
        }
        return new Yaml().load(matcher.group(1));
    }

    /** Returns the FILE lines for {@code label}: path to SHA-256. */
    /**
     * Returns the files the boot reported on the partition {@code label}, with their checksums,
     * leaving out the boot counter that the test target init keeps in /etc, on rwfs.
     */
    private static Map<String, String> files(BootResult boot, String label) {
        Map<String, String> files = new TreeMap<>();
        Matcher matcher = FILE_LINE.matcher(boot.log());
        while (matcher.find()) {
            if (matcher.group(1).equals(label) && !matcher.group(3).equals(TARGET_INIT_COUNTER)) {
                files.put(matcher.group(3), matcher.group(2));
            }
        }
        return files;
    }

    private static Map<String, String> checksums(Path tree) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (var walk = Files.walk(tree)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                files.put(tree.relativize(file).toString(), java.util.HexFormat.of().formatHex(digest));
            }
        }
        return files;
    }

    private static Path tree(String name, Map<String, String> files) throws IOException {
        Path root = SandboxBoot.PROJECT.resolve("target/sandbox/trees/" + name);
        if (Files.exists(root)) {
            try (var walk = Files.walk(root)) {
                for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = root.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        return root;
    }

    private static Path variables(String name, String text) throws IOException {
        Path file = SandboxBoot.PROJECT.resolve("target/sandbox/uboot/" + name + ".txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private static Path keptImage(BootResult boot) {
        Matcher matcher = Pattern.compile("(?m)^boot: image kept at (\\S+)$").matcher(boot.log());
        if (!matcher.find()) {
            throw new AssertionError(boot.withLog("the image was not kept"));
        }
        return Path.of(matcher.group(1));
    }
}
