package dev.manifestinit.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A property test of the command line: thousands of random mutations of the repository's manifests
 * (deleted lines and keys, values of the wrong type, random text, truncation) never make
 * --validate, --flatten or --plan print a stack trace or exit with other than 0, 1 or 2.
 *
 * <p>The run is seeded, so a failure is reproduced with the seed it prints:
 * {@code mvn test -Dtest=ManifestMutationTest -Dmutation.seed=N}. {@code -Dmutation.count=N} sets the
 * number of mutations. The run also stops after {@link #TIME_LIMIT_MILLIS}, so that a slow machine
 * cannot hold CI; the count of mutations done is printed.
 */
class ManifestMutationTest {
    private static final long DEFAULT_SEED = 0x5EED_2024L;
    private static final int DEFAULT_COUNT = 3000;
    private static final long TIME_LIMIT_MILLIS = 150_000;
    private static final Set<Integer> EXIT_CODES = Set.of(0, 1, 2);

    /** Values of other types and shapes than the ones a key expects. */
    private static final List<String> VALUES = List.of("5", "-1", "0", "99999999999999999999", "1.5", "true", "no",
            "~", "''", "\"\"", "[]", "{}", "[a, b]", "{a: 1}", "[[x]]", "/", "//", "/..", "relative/path", "0s", "5h",
            "700000000h", "5", "ext4", "tmpfs", "overlay", "preen", "force", "rofs-a", "rwfs", "hostfw",
            "\"a/b\"", "\"\\0\"", "\"\\t\"", "\"é\"", "x".repeat(40), "&anchor value", "*alias", "!!binary AAAA",
            "!!java.io.File /etc", "|\n  block", ">\n  folded", "\"unterminated", "'quote''s'", "2024-01-01",
            "../../../../etc/passwd", "common/emmc-bmc.yaml", "mode=0755", "size=0", "size=1k");
    /** Characters that YAML treats specially, and some it rejects. */
    private static final String NOISE = ":{}[]&*!|>'\"%@`,#-? \t\n\\é\u0000\u0007\uFEFF\u2028";

    @TempDir
    Path directory;

    @Test
    void mutatedManifestsNeverCrash() throws IOException {
        long seed = Long.getLong("mutation.seed", DEFAULT_SEED);
        int count = Integer.getInteger("mutation.count", DEFAULT_COUNT);
        Random random = new Random(seed);

        Map<String, String> originals = new TreeMap<>();
        Path manifests = Path.of("manifests");
        try (Stream<Path> files = Files.walk(manifests)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".yaml")).sorted().toList()) {
                originals.put(manifests.relativize(file).toString(), Files.readString(file));
            }
        }
        List<String> names = new ArrayList<>(originals.keySet());
        List<String> machines = names.stream().filter(name -> !name.contains("/")).toList();

        long deadline = System.currentTimeMillis() + TIME_LIMIT_MILLIS;
        int done = 0;
        int[] byStatus = new int[3];
        for (int iteration = 0; iteration < count && System.currentTimeMillis() < deadline; iteration++) {
            Path tree = directory.resolve("run" + (iteration % 2));
            for (Map.Entry<String, String> original : originals.entrySet()) {
                Path file = tree.resolve(original.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, original.getValue());
            }
            String mutated = names.get(random.nextInt(names.size()));
            String text = originals.get(mutated);
            int mutations = 1 + random.nextInt(3);
            for (int i = 0; i < mutations; i++) {
                text = mutate(text, random);
            }
            Files.writeString(tree.resolve(mutated), text);
            String machine = mutated.contains("/") ? machines.get(random.nextInt(machines.size())) : mutated;
            String file = tree.resolve(machine).toString();

            String context = "seed " + seed + ", iteration " + iteration + ", " + mutated + " mutated to:\n" + text;
            int status = check(context, "--validate", file);
            byStatus[status]++;
            check(context, "--validate", "--format", "json", "--strict", file);
            if (status == 0) {
                check(context, "--flatten", file);
                check(context, "--plan", "--manifest", file, "--cmdline", "root=PARTLABEL=" + VALUES.get(
                        random.nextInt(VALUES.size())) + " -- " + VALUES.get(random.nextInt(VALUES.size())));
            }
            done++;
        }
        System.out.println("ManifestMutationTest: " + done + " of " + count + " mutations with seed " + seed
                + "; --validate exited 0 for " + byStatus[0] + ", 1 for " + byStatus[1] + ", 2 for " + byStatus[2]);
        assertTrue(done > 0, "no mutation ran");
    }

    /** Runs the command line and fails on a stack trace or an unexpected exit code; returns the code. */
    private static int check(String context, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try {
            status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        } catch (Throwable e) {
            throw new AssertionError(String.join(" ", args) + " threw " + e + "; " + context, e);
        }
        String output = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        if (!EXIT_CODES.contains(status)) {
            fail(String.join(" ", args) + " exited " + status + "; " + context + "\noutput:\n" + output);
        }
        if (output.contains("internal error") || output.contains("Exception") || output.contains("\tat ")) {
            fail(String.join(" ", args) + " printed an internal error; " + context + "\noutput:\n" + output);
        }
        return status;
    }

    private static String mutate(String text, Random random) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int line = random.nextInt(lines.size());
        switch (random.nextInt(9)) {
            case 0 -> lines.remove(line);
            case 1 -> deleteKey(lines, line);
            case 2 -> replaceValue(lines, line, VALUES.get(random.nextInt(VALUES.size())));
            case 3 -> {
                String current = lines.get(line);
                int at = random.nextInt(current.length() + 1);
                StringBuilder noise = new StringBuilder();
                for (int i = random.nextInt(4); i >= 0; i--) {
                    noise.append(NOISE.charAt(random.nextInt(NOISE.length())));
                }
                lines.set(line, current.substring(0, at) + noise + current.substring(at));
            }
            case 4 -> {
                return text.substring(0, random.nextInt(text.length() + 1));
            }
            case 5 -> lines.add(line, lines.get(line));
            case 6 -> {
                String current = lines.get(line);
                lines.set(line, random.nextBoolean() ? "  " + current : current.replaceFirst("^ {1,2}", ""));
            }
            case 7 -> {
                int other = random.nextInt(lines.size());
                String swapped = lines.get(line);
                lines.set(line, lines.get(other));
                lines.set(other, swapped);
            }
            default -> replaceValue(lines, line, "[" + VALUES.get(random.nextInt(VALUES.size())) + ", "
                    + VALUES.get(random.nextInt(VALUES.size())) + "]");
        }
        return String.join("\n", lines);
    }

    /** Deletes the key on {@code line} with the lines indented below it. */
    private static void deleteKey(List<String> lines, int line) {
        String key = lines.get(line);
        int indent = key.length() - key.stripLeading().length();
        lines.remove(line);
        while (line < lines.size() && !lines.get(line).isBlank()
                && lines.get(line).length() - lines.get(line).stripLeading().length() > indent) {
            lines.remove(line);
        }
    }

    /** Replaces the value after the first ": " on {@code line}, or the whole line when it has none. */
    private static void replaceValue(List<String> lines, int line, String value) {
        String current = lines.get(line);
        int colon = current.indexOf(": ");
        lines.set(line, colon < 0 ? value : current.substring(0, colon + 2) + value);
    }
}
