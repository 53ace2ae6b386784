package dev.manifestinit.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel command line split the way the kernel splits it: options are separated by white
 * space, double quotes group (the quotes themselves are dropped), and everything after a lone
 * {@code --} belongs to init.
 *
 * @param options the options before {@code --}, such as {@code root=PARTLABEL=rofs-a}
 * @param initArguments the words after {@code --}, passed to the target init
 */
public record KernelCommandLine(List<String> options, List<String> initArguments) {
    public static final KernelCommandLine EMPTY = new KernelCommandLine(List.of(), List.of());

    public KernelCommandLine {
        options = List.copyOf(options);
        initArguments = List.copyOf(initArguments);
    }

    public static KernelCommandLine parse(String text) {
        List<String> words = split(text);
        int separator = words.indexOf("--");
        if (separator < 0) {
            return new KernelCommandLine(words, List.of());
        }
        return new KernelCommandLine(words.subList(0, separator), words.subList(separator + 1, words.size()));
    }

    /** The value of the last option {@code key=value}, as the kernel lets the last one win. */
    public Optional<String> lastValue(String key) {
        String prefix = key + "=";
        String value = null;
        for (String option : options) {
            if (option.startsWith(prefix)) {
                value = option.substring(prefix.length());
            }
        }
        return Optional.ofNullable(value);
    }

    /** Whether the flag appears as a whole option, with no value: {@code no-debug-shell} is not {@code debug-shell}. */
    public boolean hasFlag(String flag) {
        return options.contains(flag);
    }

    private static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (!quoted && Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    @Override
    public String toString() {
        return String.join(" ", options) + (initArguments.isEmpty() ? "" : " -- " + String.join(" ", initArguments));
    }
}
