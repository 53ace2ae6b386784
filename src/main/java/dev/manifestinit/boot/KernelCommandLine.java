package dev.manifestinit.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel command line split the way the kernel splits it (next_arg() in lib/cmdline.c and
 * parse_args() in kernel/params.c, Linux 6.x):
 * <ul>
 * <li>Options are separated by white space: space, tab, newline, vertical tab, form feed and
 *     carriage return.</li>
 * <li>A double quote switches quoting on and off anywhere in an option, and white space inside
 *     quotes does not separate. The kernel then drops only a quote that opens the option, a quote
 *     that opens the value after the first {@code =}, and the quote that closes either; quotes
 *     elsewhere stay in the text. There is no escape for a quote.</li>
 * <li>The first {@code =} splits an option into name and value; a {@code =} in the first place
 *     does not count.</li>
 * <li>A lone {@code --} (no {@code =}) ends the kernel's options; the options after it are
 *     split the same way and passed to init as arguments, up to a second {@code --}, after which
 *     the kernel passes nothing more.</li>
 * </ul>
 * NOTE: the kernel's isspace() also treats byte 0xA0 as white space. This class reads the line as
 * UTF-8 text and does not, which matters only for a line with non-ASCII bytes.
 *
 * @param options the options before {@code --}, each as {@code name} or {@code name=value}
 * @param initArguments the options after {@code --}, passed to the target init
 */
public record KernelCommandLine(List<String> options, List<String> initArguments) {
    public static final KernelCommandLine EMPTY = new KernelCommandLine(List.of(), List.of());
    private static final String SEPARATOR = "--";

    public KernelCommandLine {
        options = List.copyOf(options);
        initArguments = List.copyOf(initArguments);
    }

    public static KernelCommandLine parse(String text) {
        Splitter splitter = new Splitter(text);
        List<String> options = new ArrayList<>();
        List<String> initArguments = new ArrayList<>();
        List<String> target = options;
        String option;
        while ((option = splitter.next()) != null) {
            if (option.equals(SEPARATOR)) {
                if (target == initArguments) {
                    // init/main.c parses the init arguments with parse_args() too, which stops at
                    // the next "--" and drops the rest.
                    break;
                }
                target = initArguments;
                continue;
            }
            target.add(option);
        }
        return new KernelCommandLine(options, initArguments);
    }

    /** Returns the value of the last option {@code key=value}, as the kernel lets the last one win. */
    public Optional<String> lastValue(String key) {
        List<String> values = values(key);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    /** Returns the values of every option {@code key=value}, in order; the name must match as a whole. */
    public List<String> values(String key) {
        String prefix = key + "=";
        List<String> values = new ArrayList<>();
        for (String option : options) {
            if (option.startsWith(prefix)) {
                values.add(option.substring(prefix.length()));
            }
        }
        return values;
    }

    /** Whether the flag appears as a whole option, with no value: {@code no-debug-shell} is not {@code debug-shell}. */
    public boolean hasFlag(String flag) {
        return options.contains(flag);
    }

    @Override
    public String toString() {
        return String.join(" ", options) + (initArguments.isEmpty() ? "" : " -- " + String.join(" ", initArguments));
    }

    /** next_arg() of lib/cmdline.c over a Java string, returning {@code name} or {@code name=value}. */
    private static final class Splitter {
        private final String text;
        private int position;

        Splitter(String text) {
            this.text = text;
            skipSpaces();
        }

        String next() {
            if (position >= text.length()) {
                return null;
            }
            int start = position;
            boolean quoted = false;
            boolean inQuote = false;
            if (text.charAt(start) == '"') {
                start++;
                quoted = true;
                inQuote = true;
            }
            int equals = 0;
            int i = start;
            for (; i < text.length(); i++) {
                char c = text.charAt(i);
                if (isSpace(c) && !inQuote) {
                    break;
                }
                if (equals == 0 && c == '=' && i > start) {
                    equals = i;
                }
                if (c == '"') {
                    inQuote = !inQuote;
                }
            }
            int end = i;
            position = i < text.length() ? i + 1 : i;
            skipSpaces();

            String option;
            if (equals == 0) {
                if (quoted && end > start && text.charAt(end - 1) == '"') {
                    end--;
                }
                option = text.substring(start, end);
            } else {
                int valueStart = equals + 1;
                if (valueStart < end && text.charAt(valueStart) == '"') {
                    valueStart++;
                    if (text.charAt(end - 1) == '"') {
                        end--;
                    }
                } else if (quoted && text.charAt(end - 1) == '"') {
                    end--;
                }
                option = text.substring(start, equals) + "=" + text.substring(valueStart, Math.max(end, valueStart));
            }
            return option;
        }

        private void skipSpaces() {
            while (position < text.length() && isSpace(text.charAt(position))) {
                position++;
            }
        }

        /** Returns the kernel's isspace() for ASCII: space, \t, \n, \v, \f and \r. */
        private static boolean isSpace(char c) {
            return c == ' ' || (c >= '\t' && c <= '\r');
        }
    }
}
