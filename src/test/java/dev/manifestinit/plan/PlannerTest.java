package dev.manifestinit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.boot.KernelCommandLine;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.validation.ManifestValidator;
import dev.manifestinit.validation.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Plans are golden files: the repository's manifest and a kernel command line in, the printed
 * plan out. Set UPDATE_GOLDEN=1 to rewrite the files after an intended change, then review the diff.
 */
class PlannerTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rainier | console=ttyS4,115200n8 rootwait | rainier-default.plan",
        "rainier | console=ttyS4 root=PARTLABEL=rofs-b -- --log-level=debug | rainier-rofs-b.plan",
        "rainier | init.break=SwitchRoot init.break=7 init.break=NoSuchStep | rainier-break.plan",
        "production | console=ttyS4 | production.plan",
        "production | manifest-init.shell root=PARTLABEL=rofs-b init.break=CheckFilesystem | production-shell-flag.plan",
        "production | init.break=12 | production-break-without-shell.plan",
    })
    void planMatchesGoldenFile(String machine, String commandLine, String golden) throws Exception {
        Plan plan = new Planner().plan(load(machine), KernelCommandLine.parse(commandLine));
        Path expectedFile = GOLDEN.resolve(golden);
        if ("1".equals(System.getenv("UPDATE_GOLDEN"))) {
            Files.createDirectories(GOLDEN);
            Files.writeString(expectedFile, plan.format());
        }
        assertEquals(Files.readString(expectedFile), plan.format());
    }

    @ParameterizedTest
    @ValueSource(strings = {"root=PARTLABEL=rwfs", "root=PARTLABEL=../etc", "root=PARTLABEL=a/b",
        "root=/dev/mmcblk0p1", "root=PARTLABEL="})
    void rootLabelRejected(String commandLine) throws Exception {
        Manifest manifest = load("rainier");
        PlanException error = assertThrows(PlanException.class,
                () -> new Planner().plan(manifest, KernelCommandLine.parse(commandLine)));
        assertTrue(error.getMessage().contains(commandLine), error.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "root=PARTLABEL=rofs-a console=ttyS4,115200n8 rootwait | rofs-a",
        "console=ttyS4,115200n8 rootwait | rofs-a",
        "rootwait root=PARTLABEL=rofs-b | rofs-b",
        "xroot=PARTLABEL=rofs-b | rofs-a",
    })
    void rootLabelChosen(String commandLine, String expected) throws Exception {
        Plan plan = new Planner().plan(load("rainier"), KernelCommandLine.parse(commandLine));
        assertEquals(expected, plan.rootLabel().value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "root=PARTLABEL=rofs-b"})
    void planStartsWithApiFilesystems(String commandLine) throws Exception {
        Manifest manifest = load("rainier");
        Plan plan = new Planner().plan(manifest, KernelCommandLine.parse(commandLine));
        int apiSteps = new Planner().apiFilesystemSteps(manifest).size();
        assertFalse(plan.steps().isEmpty());
        for (int i = 0; i < apiSteps; i++) {
            assertEquals(new Planner().apiFilesystemSteps(manifest).get(i).describe(), plan.steps().get(i).describe());
        }
    }

    @Test
    void gptCheckAndReformatShown(@TempDir Path directory) throws Exception {
        String rainier = Files.readString(Path.of("manifests/rainier.yaml"));
        // The copy extends the same base, so the base goes beside it.
        Files.createDirectories(directory.resolve("common"));
        Files.copy(Path.of("manifests/common/emmc-bmc.yaml"), directory.resolve("common/emmc-bmc.yaml"));
        Path file = directory.resolve("variant.yaml");
        Files.writeString(file, rainier.replace("  gpt: repair\n", "  formattable: [rwfs]\n")
                .replace("      onUncorrected: emergency", "      onUncorrected: reformat"));
        Report report = new ManifestValidator().validate(file, file.toString());
        assertFalse(report.hasErrors(), report.findings().toString());

        String plan = new Planner().plan(report.loaded().manifest(), KernelCommandLine.EMPTY).format();

        assertTrue(plan.contains(" 6. CheckBackupGpt /dev/mmcblk0 (disk.gpt is check"), plan);
        assertFalse(plan.contains("RepairBackupGpt"), plan);
        assertTrue(plan.contains("onUncorrected (4): reformat with mkfs.ext4 -q -F <device>"), plan);
    }

    static Manifest load(String machine) throws IOException {
        Path file = Path.of("manifests", machine + ".yaml");
        if (!Files.exists(file)) {
            file = Path.of("src/test/resources/manifests", machine + ".yaml");
        }
        Report report = new ManifestValidator().validate(file, file.toString());
        assertFalse(report.hasErrors(), report.findings().toString());
        return report.loaded().manifest();
    }
}
