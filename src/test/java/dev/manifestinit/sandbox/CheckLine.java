package dev.manifestinit.sandbox;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One check line of a sandbox boot: {@code CHECK <n> <name>: PASS|FAIL <detail>} from the target
 * init, or {@code CHECK <n> <name> (outside): ...} from the harness.
 */
record CheckLine(int number, String name, boolean outside, boolean passed, String detail) {
    private static final Pattern FORMAT =
            Pattern.compile("^CHECK (\\d+) ([a-z0-9-]+)( \\(outside\\))?: (PASS|FAIL) ?(.*)$");

    static Optional<CheckLine> parse(String line) {
        Matcher matcher = FORMAT.matcher(line);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new CheckLine(Integer.parseInt(matcher.group(1)), matcher.group(2),
                matcher.group(3) != null, matcher.group(4).equals("PASS"), matcher.group(5)));
    }
}
