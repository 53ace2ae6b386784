package dev.manifestinit.sandbox;

import dev.manifestinit.testing.Privileges;
import dev.manifestinit.testing.ProductJar;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs src/sandbox/boot, which needs root, a loop device and namespaces, with the jar that
 * {@link ProductJar} builds from target/classes.
 *
 * <p>Each boot's full output is kept in target/sandbox/logs/NAME.log.
 */
final class SandboxBoot {
    static final String MAIN_CLASS = ProductJar.MAIN_CLASS;

    static final Path PROJECT = ProductJar.PROJECT;
    private static final Path BOOT_SCRIPT = PROJECT.resolve("src/sandbox/boot");
    private static final Path LIB = ProductJar.LIB;
    private static final Path LOGS = PROJECT.resolve("target/sandbox/logs");

    /** The boot's --timeout, after which run-sandbox kills the sandbox's PID 1. */
    private static final long BOOT_TIMEOUT_SECONDS = 120;
    /** Longer than the boot's own limit, so that the boot normally ends by itself and cleans up. */
    private static final long PROCESS_TIMEOUT_SECONDS = BOOT_TIMEOUT_SECONDS + 120;

    private SandboxBoot() {
    }

    /** Whether the product's command-line entry point has been compiled, so the Java init can boot. */
    static boolean productCliBuilt() {
        return ProductJar.productCliBuilt();
    }

    /**
     * Runs src/sandbox/boot with {@code arguments} and returns its output. {@code name} names the
     * log file.
     */
    static BootResult boot(String name, String... arguments) throws IOException, InterruptedException {
        Privileges.requirePrivateMountNamespace();
        Path jar = ProductJar.build();
        List<String> command = new ArrayList<>();
        command.add(BOOT_SCRIPT.toString());
        command.addAll(List.of("--jar", jar.toString(), "--lib", LIB.toString(),
                "--timeout", Long.toString(BOOT_TIMEOUT_SECONDS)));
        command.addAll(List.of(arguments));

        Files.createDirectories(LOGS);
        Path log = LOGS.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(PROJECT.toFile())
                .redirectErrorStream(true)
                .redirectInput(new File("/dev/null"))
                .redirectOutput(log.toFile());
        // The runtime is linked from the JDK that runs the tests, so a run on Temurin 25 boots
        // on Temurin 25 too.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            // SIGTERM lets the script's exit trap detach the loop device.
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            process.waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        return new BootResult(name, process.exitValue(), output);
    }

    /**
     * Writes a copy of manifests/rainier.yaml with {@code from} replaced by {@code to}, next to a
     * copy of the base manifests it may extend.
     */
    static Path editedManifest(String name, String from, String to) throws IOException {
        String original = Files.readString(PROJECT.resolve("manifests/rainier.yaml"));
        if (!original.contains(from)) {
            throw new IllegalStateException("manifests/rainier.yaml no longer contains " + from);
        }
        Path manifest = PROJECT.resolve("target/sandbox/manifests/" + name + ".yaml");
        Files.createDirectories(manifest.getParent());
        Files.writeString(manifest, original.replace(from, to));
        Path bases = manifest.resolveSibling("common");
        Files.createDirectories(bases);
        try (Stream<Path> files = Files.list(PROJECT.resolve("manifests/common"))) {
            for (Path base : files.toList()) {
                Files.copy(base, bases.resolve(base.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return manifest;
    }

    /** Writes {@code text} to a file for the boot's --console-input, the standard input of PID 1. */
    static Path consoleInput(String name, String text) throws IOException {
        Path input = PROJECT.resolve("target/sandbox/console/" + name + ".txt");
        Files.createDirectories(input.getParent());
        Files.writeString(input, text);
        return input;
    }
}
