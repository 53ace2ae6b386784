package dev.manifestinit.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per rule of next_arg() in lib/cmdline.c and parse_args() in kernel/params.c (Linux 6.x):
 * the command line in, the options and the init arguments out. Options are separated by '|' in
 * the expectations, so that spaces inside an option stay visible.
 */
class KernelCommandLineRulesTest {

    static Stream<Arguments> rules() {
        return Stream.of(
                // White space separates: the kernel's isspace() set, and runs of it count once.
                rule("a b", "a|b", ""),
                rule("  a \t b\n", "a|b", ""),
                rule("a\u000bb\fc\rd", "a|b|c|d", ""),
                // Characters that Java calls white space but the kernel does not.
                rule("a\u001cb", "a\u001cb", ""),
                // A quote that opens the option groups words and is dropped with its closing quote.
                rule("\"a b\" c", "a b|c", ""),
                // A quote that opens the value groups words and is dropped with its closing quote.
                rule("dyndbg=\"file drivers/usb/* +p\" quiet", "dyndbg=file drivers/usb/* +p|quiet", ""),
                // A quote in the middle groups words but stays in the text.
                rule("a\"b c\"d e", "a\"b c\"d|e", ""),
                // The value's opening quote is dropped even when its closing quote is not last.
                rule("a=\"b c\"d", "a=b c\"d", ""),
                // An option that opens with a quote loses the quote at its end, value or not.
                rule("\"a=b c\"", "a=b c", ""),
                // An unclosed quote runs to the end of the line.
                rule("a=\"b c d", "a=b c d", ""),
                // Only the first '=' splits; a '=' in the first place does not count.
                rule("root=PARTLABEL=rofs-a", "root=PARTLABEL=rofs-a", ""),
                rule("=a=b", "=a=b", ""),
                // A lone -- ends the kernel's options; the rest goes to init, split the same way.
                rule("quiet -- single \"x y\"", "quiet", "single|x y"),
                // A second -- ends the init arguments too; the kernel drops what follows.
                rule("quiet -- a -- b", "quiet", "a"),
                // -- with a value is an ordinary option, and --x is not the separator.
                rule("--=1 --x", "--=1|--x", ""),
                // Empty lines.
                rule("", "", ""),
                rule(" \n ", "", ""));
    }

    @ParameterizedTest
    @MethodSource("rules")
    void splitsLikeTheKernel(String line, List<String> options, List<String> initArguments) {
        KernelCommandLine parsed = KernelCommandLine.parse(line);
        assertEquals(options, parsed.options(), "options of " + line);
        assertEquals(initArguments, parsed.initArguments(), "init arguments of " + line);
    }

    static Stream<Arguments> lookups() {
        return Stream.of(
                // The last root= wins, as root_dev_setup() copies each one over the last.
                lookup("root=PARTLABEL=rofs-a root=PARTLABEL=rofs-b", "root", "PARTLABEL=rofs-b"),
                // Names match whole: rootfstype= and xroot= are not root=.
                lookup("xroot=a rootfstype=ext4", "root", null),
                // A root= after -- belongs to init.
                lookup("quiet -- root=PARTLABEL=rofs-b", "root", null),
                // An empty value is a value.
                lookup("root=", "root", ""),
                // A quoted value loses its quotes.
                lookup("root=\"PARTLABEL=rofs-b\"", "root", "PARTLABEL=rofs-b"));
    }

    @ParameterizedTest
    @MethodSource("lookups")
    void lastValueWins(String line, String key, String expected) {
        assertEquals(java.util.Optional.ofNullable(expected), KernelCommandLine.parse(line).lastValue(key));
    }

    static Stream<Arguments> flags() {
        return Stream.of(
                Arguments.of("debug-shell", "debug-shell", true),
                Arguments.of("no-debug-shell", "debug-shell", false),
                Arguments.of("debug-shell=1", "debug-shell", false),
                Arguments.of("\"debug-shell\"", "debug-shell", true),
                Arguments.of("-- debug-shell", "debug-shell", false));
    }

    @ParameterizedTest
    @MethodSource("flags")
    void flagsAreWholeOptions(String line, String flag, boolean expected) {
        assertEquals(expected, KernelCommandLine.parse(line).hasFlag(flag), line);
    }

    @ParameterizedTest
    @MethodSource("allValues")
    void everyValueOfARepeatedOption(String line, List<String> expected) {
        assertEquals(expected, KernelCommandLine.parse(line).values("init.break"));
    }

    static Stream<Arguments> allValues() {
        return Stream.of(
                Arguments.of("init.break=3 quiet init.break=SwitchRoot", List.of("3", "SwitchRoot")),
                Arguments.of("init.breaks=3", List.of()));
    }

    private static Arguments rule(String line, String options, String initArguments) {
        return Arguments.of(line, split(options), split(initArguments));
    }

    private static Arguments lookup(String line, String key, String expected) {
        return Arguments.of(line, key, expected);
    }

    private static List<String> split(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\\|", -1));
    }
}
