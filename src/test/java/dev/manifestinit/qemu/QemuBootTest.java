package dev.manifestinit.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.manifestinit.testing.NeedsQemu;
import dev.manifestinit.testing.ProductJar;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Builds the initramfs from manifests/qemu-x86.yaml and boots it for real under QEMU with the
 * installed Debian kernel, through src/qemu/run: four VMs, one per scenario (rofs-a, a second
 * boot of that disk, rofs-b, and a disk whose backup GPT header the init must move to the end).
 * Each scenario passes only when the serial log has the target init's marker and a PASS line for
 * every check.
 *
 * <p>Disk layout (src/qemu/run): GPT with rofs-a, rofs-b (ext4 with /etc/rofs-side and the target
 * init as /sbin/init), rwfs (empty ext4) and hostfw (empty ext4), in image files; no root needed.
 * The whole run takes a few minutes under TCG on 2 cores.
 */
@NeedsQemu
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuBootTest {
    private static final Path PROJECT = ProductJar.PROJECT;
    private static final Path OUTPUT = PROJECT.resolve("target/qemu");
    /** Each boot's own limit, which src/qemu/boot enforces. */
    private static final long BOOT_TIMEOUT_SECONDS = 300;
    /** Four boots and the build, with room for a slow machine; the boots normally end far sooner. */
    private static final long RUN_TIMEOUT_SECONDS = 4 * BOOT_TIMEOUT_SECONDS + 300;
    private static final List<String> CHECKS = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9");

    private int exitCode;
    private String output;

    @BeforeAll
    void runScenarios() throws IOException, InterruptedException {
        Path jar = ProductJar.build();
        Files.createDirectories(OUTPUT);
        Path runLog = OUTPUT.resolve("run.log");
        ProcessBuilder builder = new ProcessBuilder(PROJECT.resolve("src/qemu/run").toString(),
                "--jar", jar.toString(), "--lib", ProductJar.LIB.toString(), "--output", OUTPUT.toString(),
                "--timeout", Long.toString(BOOT_TIMEOUT_SECONDS))
                .directory(PROJECT.toFile())
                .redirectErrorStream(true)
                .redirectInput(new File("/dev/null"))
                .redirectOutput(runLog.toFile());
        // The initramfs's runtime is linked from the JDK that runs the tests.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            // SIGTERM reaches the script; each QEMU runs under timeout(1) and stops by itself.
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            process.waitFor();
        }
        exitCode = process.exitValue();
        output = Files.readString(runLog, StandardCharsets.UTF_8);
    }

    @Test
    void runPasses() {
        assertEquals(0, exitCode, () -> "src/qemu/run failed:\n" + output);
    }

    @Test
    void initramfsSizesReported() {
        assertTrue(output.lines().anyMatch(line -> line.matches("INITRAMFS .* compressed=\\d+ uncompressed=\\d+ .*")),
                () -> "no INITRAMFS line with the archive's sizes:\n" + output);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rofs-a", "second-boot", "rofs-b", "grown-disk"})
    void scenarioPasses(String scenario) {
        String line = scenarioLine(scenario);
        assertTrue(line.contains(" PASSED "), () -> withLog(scenario, "scenario failed: " + line));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rofs-a", "second-boot", "rofs-b", "grown-disk"})
    void everyCheckPasses(String scenario) throws IOException {
        String log = serialLog(scenario);
        assertTrue(log.lines().anyMatch("TARGET-INIT DONE"::equals), () -> withLog(scenario, "no TARGET-INIT DONE marker"));
        for (String number : CHECKS) {
            Pattern passed = Pattern.compile("(?m)^CHECK " + number + " [a-z0-9-]+: PASS");
            assertTrue(passed.matcher(log).find(), () -> withLog(scenario, "check " + number + " did not pass"));
        }
    }

    @Test
    void secondBootSeesFirstBootsEtcChange() throws IOException {
        assertTrue(serialLog("second-boot").contains("CHECK 9 etc-persists: PASS boots-before=1;"),
                () -> withLog("second-boot", "the second boot did not find the first boot's /etc change"));
    }

    @Test
    void rofsBBootsSecondPartition() throws IOException {
        assertTrue(serialLog("rofs-b").contains("CHECK 1 root-device (outside): PASS root source /dev/vda2"),
                () -> withLog("rofs-b", "the root is not /dev/vda2"));
    }

    @Test
    void grownDiskHasMisplacedBackupGpt() throws IOException {
        assertTrue(serialLog("grown-disk").contains("GPT:Alternate GPT header not at the end of the disk."),
                () -> withLog("grown-disk", "the kernel did not report the misplaced backup GPT header"));
    }

    @Test
    void grownDiskBackupGptRepaired() throws IOException {
        String log = serialLog("grown-disk");
        assertTrue(log.contains("wrote backup entry array"), () -> withLog("grown-disk", "RepairBackupGpt wrote nothing"));
        assertTrue(log.contains("CHECK 11 gpt-verify (outside): PASS"),
                () -> withLog("grown-disk", "sgdisk --verify found problems after the boot"));
    }

    @Test
    void modulesLoadedByInit() throws IOException {
        String log = serialLog("rofs-a");
        for (String module : List.of("virtio_ring", "virtio", "virtio_pci", "virtio_blk", "crc32c_intel", "overlay")) {
            assertTrue(log.contains("manifest-init: loaded module " + module + " from /lib/modules/"),
                    () -> withLog("rofs-a", "no log line for loading module " + module));
        }
    }

    @Test
    void jvmMapsClassArchive() throws IOException {
        // Without root, src/qemu/run trains no archive and the JVM maps the runtime's own CDS archive.
        assumeTrue(output.contains("run: class archive "), "src/qemu/run trains a class archive only as root");
        assertTrue(serialLog("rofs-a").matches("(?s).*manifest-init: \\[started\\] boot from \\S+ on Java \\S+ \\([^)]*sharing\\).*"),
                () -> withLog("rofs-a", "the JVM did not map the class archive (no \"sharing\" in java.vm.info)"));
    }

    @Test
    void bootUsesValidationRecord() throws IOException {
        assertTrue(serialLog("rofs-a").contains("manifest-init: the manifest matches the validation record"),
                () -> withLog("rofs-a", "the boot validated the manifest in full instead of using its record"));
    }

    private String scenarioLine(String scenario) {
        Optional<String> line = output.lines().filter(text -> text.startsWith("SCENARIO " + scenario + " ")).findFirst();
        return line.orElseGet(() -> fail("no SCENARIO line for " + scenario + ":\n" + output));
    }

    private String serialLog(String scenario) throws IOException {
        Path log = OUTPUT.resolve("logs/" + scenario + ".log");
        if (!Files.isRegularFile(log)) {
            fail("no serial log " + log + "; output of src/qemu/run:\n" + output);
        }
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Appends the scenario's serial log, or the run's output when there is none, to a failure message. */
    private String withLog(String scenario, String message) {
        Path log = OUTPUT.resolve("logs/" + scenario + ".log");
        String text;
        try {
            text = Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            text = "(no serial log " + log + ": " + e.getMessage() + ")\n" + output;
        }
        Matcher times = Pattern.compile("(?m)^SCENARIO " + Pattern.quote(scenario) + " .*$").matcher(output);
        return message + (times.find() ? "\n" + times.group() : "") + "\n----- serial log of " + scenario
                + " -----\n" + text + "----- end of serial log -----";
    }
}
