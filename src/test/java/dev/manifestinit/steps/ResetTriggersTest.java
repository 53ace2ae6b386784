package dev.manifestinit.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.ResetGpio;
import dev.manifestinit.testing.ExternalCommand;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The factory reset triggers against a real u-boot environment in a file (made by mkenvimage,
 * read back by fw_printenv) and a GPIO source the test sets. The manifest is Rainier's: rwreset
 * requests a reset and also stores the level of factory-reset-toggle.
 *
 * <p>Image layout: a redundant environment, 16 KiB copies at 0 and 16 KiB, the first in use.
 */
class ResetTriggersTest {
    private static final String VARIABLE = "rwreset";
    private static final ResetGpio GPIO = new ResetGpio("factory-reset-toggle", "rwreset");
    private static final int SIZE = 0x4000;

    @TempDir
    Path directory;

    /** A GPIO source that a test sets: a level, or no line at all. */
    static final class SettableGpio implements GpioLines {
        OptionalInt level;
        final List<String> reads = new ArrayList<>();

        SettableGpio(OptionalInt level) {
            this.level = level;
        }

        @Override
        public OptionalInt readLevel(String name) {
            reads.add(name);
            return level;
        }
    }

    /**
     * @param gpio the line's level, or null for no line
     * @param stored rwreset before the boot, or null for unset
     * @param reset whether the boot resets
     * @param during rwreset after ReadResetTriggers (null: unset)
     * @param after rwreset after the whole reset, or when there is none, after the boot
     */
    static Stream<Arguments> truthTable() {
        return Stream.of(
                row("no GPIO, rwreset unset", null, null, false, null, null),
                row("no GPIO, rwreset=true", null, "true", true, "true", null),
                row("GPIO 1, rwreset unset (first boot)", 1, null, false, "1", "1"),
                row("GPIO 1, stored 0 (toggled)", 1, "0", true, "0", "1"),
                row("GPIO 0, stored 0 (unchanged)", 0, "0", false, "0", "0"),
                row("GPIO 0, stored 1 (toggled back)", 0, "1", true, "1", "0"),
                row("GPIO 1, rwreset=true", 1, "true", true, "true", "1"),
                row("GPIO 0, rwreset=false (no stored level)", 0, "false", false, "0", "0"),
                row("no GPIO, stored 1", null, "1", false, "1", "1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truthTable")
    void triggerTruthTable(String name, Integer gpio, String stored, boolean reset, String during, String after)
            throws Exception {
        Path config = environment(stored);
        SettableGpio lines = new SettableGpio(gpio == null ? OptionalInt.empty() : OptionalInt.of(gpio));
        StepContext context = new StepContext(null, null, null, lines);

        Outcome outcome = new ReadResetTriggers(new AbsolutePath(config.toString()), VARIABLE, GPIO).apply(context);

        assertEquals(reset, context.resetDecision().reset(), outcome.detail());
        assertEquals(List.of("factory-reset-toggle"), lines.reads);
        assertEquals(during, variable(config, VARIABLE), "rwreset after reading the triggers");
        assertEquals("run boot", variable(config, "bootcmd"), "other variables must stay");

        Outcome cleared = new ClearResetRequest(new AbsolutePath(config.toString())).apply(context);
        assertEquals(!reset, cleared.skipped(), cleared.detail());
        assertEquals(after, variable(config, VARIABLE), "rwreset after the reset");
        assertEquals("run boot", variable(config, "bootcmd"), "other variables must stay");
    }

    @Test
    void decisionIsRecordedForTheBootRecord() throws Exception {
        Path config = environment("true");
        StepContext context = new StepContext(null, null, null, new SettableGpio(OptionalInt.empty()));

        new ReadResetTriggers(new AbsolutePath(config.toString()), VARIABLE, GPIO).apply(context);

        @SuppressWarnings("unchecked")
        Map<String, Object> fact = (Map<String, Object>) context.facts().get("factoryReset");
        assertEquals(true, fact.get("reset"));
        assertTrue(String.valueOf(fact.get("reason")).contains("rwreset=true"), String.valueOf(fact.get("reason")));
    }

    @Test
    void invalidEnvironmentIsLeftAlone() throws Exception {
        Path image = directory.resolve("blank.img");
        Files.write(image, new byte[2 * SIZE]);
        Path config = config(image);
        StepContext context = new StepContext(null, null, null, new SettableGpio(OptionalInt.of(1)));

        Outcome outcome = new ReadResetTriggers(new AbsolutePath(config.toString()), VARIABLE, GPIO).apply(context);

        assertFalse(context.resetDecision().reset());
        assertTrue(outcome.detail().contains("valid CRC"), outcome.detail());
        assertTrue(Arrays.equals(new byte[2 * SIZE], Files.readAllBytes(image)), "a blank environment was written");
    }

    @Test
    void missingConfigFailsTheStep() {
        StepContext context = new StepContext(null, null, null, GpioLines.NONE);
        ReadResetTriggers step = new ReadResetTriggers(new AbsolutePath(directory + "/fw_env.config"), VARIABLE, GPIO);
        StepFailure failure = org.junit.jupiter.api.Assertions.assertThrows(StepFailure.class, () -> step.apply(context));
        assertTrue(failure.getMessage().contains("fw_env.config not found"), failure.getMessage());
    }

    @Test
    void resetActionsWithoutDecisionFail() {
        StepContext context = new StepContext(null, null, null, GpioLines.NONE);
        StepFailure failure = org.junit.jupiter.api.Assertions.assertThrows(StepFailure.class,
                () -> new ClearResetRequest(new AbsolutePath("/etc/fw_env.config")).apply(context));
        assertTrue(failure.getMessage().contains("not read"), failure.getMessage());
    }

    /** Writes a redundant environment with bootcmd and, unless null, rwreset, and returns its fw_env.config. */
    private Path environment(String rwreset) throws IOException {
        Path variables = directory.resolve("variables.txt");
        Files.writeString(variables, "bootcmd=run boot\n" + (rwreset == null ? "" : "rwreset=" + rwreset + "\n"));
        Path copy = directory.resolve("copy.bin");
        ExternalCommand.run("mkenvimage", "-r", "-s", Integer.toString(SIZE), "-o", copy.toString(), variables.toString());
        Path image = directory.resolve("env.img");
        Files.write(image, new byte[2 * SIZE]);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.write(Files.readAllBytes(copy));
        }
        return config(image);
    }

    private Path config(Path image) throws IOException {
        Path config = directory.resolve("fw_env.config");
        Files.writeString(config, image + " 0x0 0x4000\n" + image + " 0x4000 0x4000\n");
        return config;
    }

    /** Reads one variable with fw_printenv, or null when it is not set. */
    private static String variable(Path config, String name) throws IOException {
        for (String line : ExternalCommand.run("fw_printenv", "-c", config.toString()).split("\n")) {
            if (line.startsWith(name + "=")) {
                return line.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static Arguments row(String name, Integer gpio, String stored, boolean reset, String during, String after) {
        return Arguments.of(name, gpio, stored, reset, during, after);
    }
}
