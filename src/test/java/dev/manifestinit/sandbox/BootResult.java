package dev.manifestinit.sandbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The output of one run of src/sandbox/boot, with its check lines parsed. */
final class BootResult {
    private static final Pattern HARNESS_LINE =
            Pattern.compile("boot:|run-sandbox:|CHECK |SANDBOX PID1 |BOOT (PASSED|FAILED)|UBOOT-ENV |FILE ");
    private static final Pattern PID1_STATUS = Pattern.compile("(?m)^SANDBOX PID1 EXIT STATUS (\\d+)$");

    private final String name;
    private final int exitCode;
    private final String log;
    private final List<CheckLine> checks;

    BootResult(String name, int exitCode, String log) {
        this.name = name;
        this.exitCode = exitCode;
        this.log = log;
        this.checks = log.lines().map(CheckLine::parse).flatMap(Optional::stream).toList();
    }

    /** Exit status of src/sandbox/boot: 0 only when every check passed. */
    int exitCode() {
        return exitCode;
    }

    /** Exit status of the sandbox's PID 1 (130 when it powered off its PID namespace). */
    OptionalInt pid1ExitStatus() {
        Matcher matcher = PID1_STATUS.matcher(log);
        return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }

    String log() {
        return log;
    }

    /**
     * Returns the lines that the sandbox's PID 1 and the target init printed, without the
     * harness's own lines, which name partitions and paths too.
     */
    String initOutput() {
        return log.lines()
                .filter(line -> !HARNESS_LINE.matcher(line).lookingAt())
                .collect(Collectors.joining("\n"));
    }

    boolean markerPrinted() {
        return log.lines().anyMatch("TARGET-INIT DONE"::equals);
    }

    /** Returns the target init's line for check {@code number}, or fails the test when it is missing. */
    CheckLine inside(int number) {
        return find(number, false);
    }

    /** Returns the harness's outside line for check {@code number}, or fails the test when it is missing. */
    CheckLine outside(int number) {
        return find(number, true);
    }

    private CheckLine find(int number, boolean outside) {
        return checks.stream()
                .filter(check -> check.number() == number && check.outside() == outside)
                .findFirst()
                .orElseGet(() -> fail(withLog("no " + (outside ? "outside " : "") + "line for check " + number)));
    }

    void assertPassed(CheckLine check) {
        assertTrue(check.passed(), () -> withLog(describe(check) + " failed: " + check.detail()));
    }

    void assertFailed(CheckLine check) {
        assertFalse(check.passed(), () -> withLog(describe(check) + " passed but should fail: " + check.detail()));
    }

    /** Appends the whole boot log to an assertion message, so that a failure can be understood. */
    String withLog(String message) {
        return message + "\n----- log of boot " + name + " (exit status " + exitCode + ") -----\n" + log
                + "----- end of boot log -----";
    }

    private static String describe(CheckLine check) {
        return "check " + check.number() + " " + check.name() + (check.outside() ? " (outside)" : "");
    }
}
