package dev.manifestinit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.validation.ValidationRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shell functions that docs/yocto.md shows, as BitBake would run them, against a
 * directory shaped like a built Rainier root filesystem. The functions are read from the page, so
 * the page cannot drift from what is tested.
 */
class YoctoRecipeTest {
    private static final Path PAGE = Path.of("docs/yocto.md");
    /** A shell function in a fenced block: {@code name() {} up to a closing brace alone on a line. */
    private static final Pattern FUNCTION = Pattern.compile("(?m)^([a-z_]+)\\(\\) \\{\\n(?:.*\\n)*?\\}$");

    @TempDir
    Path directory;

    private Path rootfs;
    private Path manifests;

    /** Builds the root filesystem an OpenBMC build makes for Rainier, with only what the manifest uses. */
    @BeforeEach
    void buildTree() throws IOException {
        rootfs = directory.resolve("tmp/work/rainier/obmc-phosphor-image/rootfs");
        for (String path : List.of("etc", "var", "dev", "proc", "sys", "run", "tmp", "usr/lib/systemd", "sbin",
                "home/root")) {
            Files.createDirectories(rootfs.resolve(path));
        }
        Path systemd = rootfs.resolve("usr/lib/systemd/systemd");
        Files.writeString(systemd, "#!/bin/sh\n");
        Files.setPosixFilePermissions(systemd, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(rootfs.resolve("lib"), Path.of("usr/lib"));
        Files.createSymbolicLink(rootfs.resolve("sbin/init"), Path.of("../lib/systemd/systemd"));

        manifests = directory.resolve("layer/manifests");
        Files.createDirectories(manifests.resolve("common"));
        Files.copy(Path.of("manifests/rainier.yaml"), manifests.resolve("rainier.yaml"));
        Files.copy(Path.of("manifests/common/emmc-bmc.yaml"), manifests.resolve("common/emmc-bmc.yaml"));
    }

    @Test
    void pageShowsThreeFunctions() throws IOException {
        assertEquals(List.of("manifest_init_check_rootfs", "do_compile", "do_install"),
                functions().stream().map(function -> function.get(0)).toList());
    }

    @Test
    void recipeChecksAndInstalls() throws Exception {
        Result result = runFunctions();

        assertEquals(0, result.status(), result.output());
        Path installed = directory.resolve("image/etc/manifest-init/manifest.yaml");
        assertTrue(Files.isRegularFile(installed), result.output());
        String text = Files.readString(installed);
        assertFalse(text.contains("extends:"), text);
        assertTrue(text.contains("apiFilesystems:"), text);
        assertEquals(0, new Main(System.out, System.err).run(new String[] {"--validate", "--strict",
            "--rootfs", rootfs.toString(), installed.toString()}));
    }

    @Test
    void recipeInstallsMatchingRecord() throws Exception {
        Result result = runFunctions();

        assertEquals(0, result.status(), result.output());
        Path installed = directory.resolve("image/etc/manifest-init/manifest.yaml");
        ValidationRecord record = ValidationRecord.read(ValidationRecord.recordFileOf(installed));
        assertNotNull(record, result.output());
        assertEquals(ValidationRecord.Match.MATCHES, record.match(Files.readAllBytes(installed)));
    }

    @Test
    void missingInitFailsCheck() throws Exception {
        Files.delete(rootfs.resolve("usr/lib/systemd/systemd"));
        Result result = runFunctions();

        assertNotEquals(0, result.status(), result.output());
        assertTrue(result.output().contains("error at $.init.path: target init /sbin/init not found in the root"
                + " filesystem: " + rootfs.resolve("usr/lib/systemd/systemd") + " does not exist"), result.output());
        assertFalse(Files.exists(directory.resolve("image/etc/manifest-init/manifest.yaml")), result.output());
    }

    @Test
    void missingLowerDirectoryFailsCheck() throws Exception {
        try (Stream<Path> files = Files.list(rootfs.resolve("etc"))) {
            assertEquals(0, files.count());
        }
        Files.delete(rootfs.resolve("etc"));
        Result result = runFunctions();

        assertNotEquals(0, result.status(), result.output());
        assertTrue(result.output().contains("error at $.overlays[0].lower: overlay lower directory /etc does not"
                + " exist in the root filesystem: " + rootfs.resolve("etc") + " is missing"), result.output());
    }

    @Test
    void invalidManifestFailsCompile() throws Exception {
        Path rainier = manifests.resolve("rainier.yaml");
        Files.writeString(rainier, Files.readString(rainier).replace("default: rofs-a", "default: hostfw"));
        Result result = runFunctions("do_compile");

        assertNotEquals(0, result.status(), result.output());
        assertTrue(result.output().contains("error at $.root.default"), result.output());
    }

    /** The name and text of every shell function on the page, in page order. */
    private static List<List<String>> functions() throws IOException {
        String page = Files.readString(PAGE);
        List<List<String>> functions = new ArrayList<>();
        Matcher matcher = FUNCTION.matcher(page);
        while (matcher.find()) {
            functions.add(List.of(matcher.group(1), matcher.group()));
        }
        return functions;
    }

    private record Result(int status, String output) {
    }

    /** Defines every function of the page and calls {@code calls}, by default all of them in order. */
    private Result runFunctions(String... calls) throws Exception {
        StringBuilder script = new StringBuilder("set -e\n");
        List<String> names = new ArrayList<>();
        for (List<String> function : functions()) {
            script.append(function.get(1)).append('\n');
            names.add(function.get(0));
        }
        for (String name : calls.length > 0 ? List.of(calls) : names) {
            script.append(name).append('\n');
        }

        Path build = Files.createDirectories(directory.resolve("build"));
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script.toString())
                .directory(directory.toFile())
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.put("MANIFEST_INIT", wrapper().toString());
        environment.put("MANIFEST_INIT_MANIFEST", manifests.resolve("rainier.yaml").toString());
        environment.put("IMAGE_ROOTFS", rootfs.toString());
        environment.put("B", build.toString());
        environment.put("D", directory.resolve("image").toString());
        environment.put("sysconfdir", "/etc");
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the recipe functions did not end within 120 s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** Writes a manifest-init command for the build host: this JVM with target/classes and target/lib. */
    private Path wrapper() throws IOException {
        Path wrapper = directory.resolve("bin/manifest-init");
        Files.createDirectories(wrapper.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = Path.of("target/classes").toAbsolutePath() + ":" + Path.of("target/lib").toAbsolutePath()
                + "/*";
        Files.writeString(wrapper, "#!/bin/sh\nexec '" + java + "' -cp '" + classpath
                + "' dev.manifestinit.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        return wrapper;
    }
}
