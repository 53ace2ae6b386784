package dev.manifestinit.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The index files that depmod(8) writes into a kernel's module directory, such as
 * /lib/modules/6.1.0-57-cloud-amd64, read to check a manifest's module list at image build time:
 *
 * <ul>
 *   <li>modules.dep: each loadable module's file and every module it needs, transitively;
 *   <li>modules.softdep: soft dependencies that modules declare, as {@code softdep NAME pre: A B post: C};
 *   <li>modules.alias: {@code alias PATTERN NAME}, glob patterns naming the module that provides them;
 *   <li>modules.builtin: modules built into the kernel image;
 *   <li>modules.builtin.modinfo (Linux 5.2 and later): NUL-separated {@code NAME.KEY=VALUE} records of
 *       the built-in modules, with their aliases and soft dependencies.
 * </ul>
 *
 * Only modules.dep is required. Module names are the file name without its {@code .ko} suffix,
 * with {@code -} replaced by {@code _}, as the kernel names them.
 */
public final class ModuleDirectory {
    private static final Pattern MODULE_SUFFIX = Pattern.compile("\\.ko(\\.xz|\\.zst|\\.gz)?$");

    private final Path directory;
    /** Loadable modules by name, in modules.dep order. */
    private final Map<String, LoadableModule> loadable = new LinkedHashMap<>();
    private final Set<String> builtin = new LinkedHashSet<>();
    /** Soft dependencies to load before a module, by module name, loadable or built in. */
    private final Map<String, List<String>> preSoftDependencies = new HashMap<>();
    private final List<Alias> aliases = new ArrayList<>();

    /**
     * A module file that modules.dep lists.
     *
     * @param file the file relative to the module directory, such as kernel/fs/overlayfs/overlay.ko
     * @param dependencies the names of the modules it needs, which modules.dep lists transitively
     */
    public record LoadableModule(String name, String file, List<String> dependencies) {
    }

    /**
     * A module that a name resolves to.
     *
     * @param builtin whether it is built into the kernel image, so that it needs no loading
     */
    public record ResolvedModule(String name, boolean builtin) {
    }

    private record Alias(String pattern, Pattern regex, String module, boolean builtin) {
    }

    private ModuleDirectory(Path directory) {
        this.directory = directory;
    }

    /**
     * Reads the index files of {@code directory}.
     *
     * @throws NoSuchFileException when modules.dep is missing, so that the directory is not a
     *     kernel's module directory or depmod has not run
     */
    public static ModuleDirectory read(Path directory) throws IOException {
        ModuleDirectory modules = new ModuleDirectory(directory);
        Path dep = directory.resolve("modules.dep");
        if (!Files.isRegularFile(dep)) {
            throw new NoSuchFileException(dep.toString(), null,
                    "not a kernel module directory: modules.dep is missing; run depmod for this kernel");
        }
        modules.readDependencies(dep);
        modules.readBuiltin(directory.resolve("modules.builtin"));
        modules.readBuiltinModinfo(directory.resolve("modules.builtin.modinfo"));
        modules.readSoftDependencies(directory.resolve("modules.softdep"));
        modules.readAliases(directory.resolve("modules.alias"));
        return modules;
    }

    public Path directory() {
        return directory;
    }

    /** Returns the kernel release, the directory's name by depmod's convention. */
    public String release() {
        return directory.getFileName().toString();
    }

    /** Returns the module name of a module file name such as crc32c-intel.ko.xz: crc32c_intel. */
    public static String moduleName(String fileName) {
        String base = fileName.substring(fileName.lastIndexOf('/') + 1);
        return MODULE_SUFFIX.matcher(base).replaceFirst("").replace('-', '_');
    }

    public Optional<LoadableModule> loadable(String name) {
        return Optional.ofNullable(loadable.get(name));
    }

    public boolean isBuiltin(String name) {
        return builtin.contains(name);
    }

    /** Returns the names that the module wants loaded before itself (its {@code pre:} soft dependencies). */
    public List<String> preSoftDependencies(String module) {
        return preSoftDependencies.getOrDefault(module, List.of());
    }

    /**
     * Resolves a name as modprobe does and returns the module of that name, loadable or built in.
     * When no module has that name, it returns every module with a matching alias, which may be none.
     */
    public List<ResolvedModule> resolve(String name) {
        String normalized = name.replace('-', '_');
        if (loadable.containsKey(normalized)) {
            return List.of(new ResolvedModule(normalized, false));
        }
        if (builtin.contains(normalized)) {
            return List.of(new ResolvedModule(normalized, true));
        }
        Map<String, ResolvedModule> matches = new LinkedHashMap<>();
        for (Alias alias : aliases) {
            if (alias.regex().matcher(name).matches()) {
                matches.putIfAbsent(alias.module(), new ResolvedModule(alias.module(), alias.builtin()));
            }
        }
        return List.copyOf(matches.values());
    }

    private void readDependencies(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String moduleFile = line.substring(0, colon).strip();
            List<String> dependencies = new ArrayList<>();
            for (String dependency : line.substring(colon + 1).strip().split("\\s+")) {
                if (!dependency.isEmpty()) {
                    dependencies.add(moduleName(dependency));
                }
            }
            String name = moduleName(moduleFile);
            loadable.put(name, new LoadableModule(name, moduleFile, List.copyOf(dependencies)));
        }
    }

    private void readBuiltin(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                builtin.add(moduleName(line.strip()));
            }
        }
    }

    private void readBuiltinModinfo(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        for (String record : text.split("\0")) {
            int dot = record.indexOf('.');
            int equals = record.indexOf('=');
            if (dot <= 0 || equals < dot) {
                continue;
            }
            String module = record.substring(0, dot);
            String key = record.substring(dot + 1, equals);
            String value = record.substring(equals + 1);
            builtin.add(module);
            if (key.equals("alias")) {
                aliases.add(alias(value, module, true));
            } else if (key.equals("softdep")) {
                addSoftDependencies(module, value.strip().split("\\s+"));
            }
        }
    }

    private void readSoftDependencies(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] words = line.strip().split("\\s+");
            if (words.length < 3 || !words[0].equals("softdep")) {
                continue;
            }
            String[] rest = new String[words.length - 2];
            System.arraycopy(words, 2, rest, 0, rest.length);
            addSoftDependencies(moduleName(words[1]), rest);
        }
    }

    /**
     * Adds the names after {@code pre:} up to {@code post:}. Words before any {@code pre:} or
     * {@code post:} are ignored, as kmod ignores them.
     */
    private void addSoftDependencies(String module, String[] words) {
        boolean pre = false;
        for (String word : words) {
            if (word.equals("pre:")) {
                pre = true;
            } else if (word.equals("post:")) {
                pre = false;
            } else if (pre && !word.isEmpty()) {
                preSoftDependencies.computeIfAbsent(module, key -> new ArrayList<>()).add(word);
            }
        }
    }

    private void readAliases(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] words = line.strip().split("\\s+");
            if (words.length == 3 && words[0].equals("alias")) {
                aliases.add(alias(words[1], moduleName(words[2]), false));
            }
        }
    }

    private static Alias alias(String pattern, String module, boolean builtin) {
        return new Alias(pattern, Pattern.compile(globToRegex(pattern)), module, builtin);
    }

    /** Translates an fnmatch(3) pattern, as modules.alias uses, into a regular expression. */
    static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '[' -> {
                    int end = glob.indexOf(']', i + 2);
                    if (end < 0) {
                        regex.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, end);
                        if (set.startsWith("!")) {
                            set = "^" + set.substring(1);
                        }
                        // Inside a Java character class a backslash, [ and && have meanings that fnmatch lacks.
                        String escaped = set.replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&");
                        regex.append('[').append(escaped).append(']');
                        i = end;
                    }
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
