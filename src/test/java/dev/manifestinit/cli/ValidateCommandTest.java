package dev.manifestinit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** --validate with --strict, --format json and --rootfs, and --flatten. */
class ValidateCommandTest {
    private static final String RAINIER = "manifests/rainier.yaml";
    /** Where the eMMC base writes init.path, which rainier takes from it. */
    private static final String BASE = "manifests/common/emmc-bmc.yaml";
    private static final int BASE_INIT_PATH_LINE = 34;

    @TempDir
    Path directory;

    private Path rootfs;
    private ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /**
     * Builds a directory shaped like the root filesystem an OpenBMC build produces for Rainier:
     * systemd as the init behind the /sbin/init link, and the mount points the manifest uses.
     */
    @BeforeEach
    void buildRootfs() throws IOException {
        rootfs = directory.resolve("rootfs");
        for (String path : List.of("etc", "var", "dev", "proc", "sys", "run", "tmp", "lib/systemd", "sbin", "rw",
                "usr/share/host-firmware")) {
            Files.createDirectories(rootfs.resolve(path));
        }
        Path systemd = rootfs.resolve("lib/systemd/systemd");
        Files.writeString(systemd, "#!/bin/sh\n");
        Files.setPosixFilePermissions(systemd, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(rootfs.resolve("sbin/init"), Path.of("../lib/systemd/systemd"));
    }

    /** Writes rainier.yaml with {@code from} replaced by {@code to} next to a copy of its base. */
    private Path editedRainier(String from, String to) throws IOException {
        String text = Files.readString(Path.of(RAINIER));
        assertTrue(text.contains(from), RAINIER + " has no " + from);
        Files.createDirectories(directory.resolve("common"));
        Files.copy(Path.of(BASE), directory.resolve("common/emmc-bmc.yaml"), StandardCopyOption.REPLACE_EXISTING);
        Path file = directory.resolve("rainier-edited.yaml");
        Files.writeString(file, text.replace(from, to));
        return file;
    }

    @Test
    void repositoryManifestsExitZero() throws IOException {
        List<String> arguments = new ArrayList<>(List.of("--validate", "--strict"));
        try (Stream<Path> files = Files.list(Path.of("manifests"))) {
            files.filter(file -> file.toString().endsWith(".yaml")).sorted().forEach(file -> arguments.add(file.toString()));
        }
        assertTrue(arguments.size() >= 5, arguments.toString());
        assertEquals(0, run(arguments.toArray(String[]::new)), output() + errors());
        assertEquals("", output());
    }

    @Test
    void warningPassesUnlessStrict() throws IOException {
        Path file = editedRainier("  partitions: [rofs-a, rofs-b, rwfs, hostfw]",
                "  partitions: [rofs-a, rofs-b, rwfs, hostfw, réserve]");

        assertEquals(0, run("--validate", file.toString()));
        assertTrue(output().contains(file + ":12:46: warning at $.disk.partitions[4]: label 'réserve' has characters"
                + " outside printable ASCII"), output());
        assertEquals(1, run("--validate", "--strict", file.toString()));
        assertTrue(output().contains("warning at $.disk.partitions[4]"), output());
    }

    @Test
    void jsonHoldsSameFindings() throws IOException {
        Path file = editedRainier("  default: rofs-a", "  default: hostfw\n  wrong: \"quote \\\" and \\\\ and \\t tab\"");
        String[] files = {RAINIER, file.toString(), directory.resolve("absent.yaml").toString()};

        assertEquals(2, run(concat(List.of("--validate"), files)));
        List<String> textLines = output().lines().toList();
        assertEquals(2, run(concat(List.of("--validate", "--format", "json"), files)));
        JsonNode json = new ObjectMapper().readTree(output());

        assertFalse(json.get("valid").asBoolean());
        List<String> jsonLines = new ArrayList<>();
        for (JsonNode finding : json.get("findings")) {
            jsonLines.add(finding.get("file").asString() + ":" + finding.get("line").asInt() + ":"
                    + finding.get("column").asInt() + ": " + finding.get("severity").asString() + " at "
                    + finding.get("path").asString() + ": " + finding.get("message").asString());
        }
        assertEquals(textLines, jsonLines);
        assertEquals(2, textLines.size(), textLines.toString());
        assertTrue(jsonLines.get(1).contains("unknown key 'wrong'"), jsonLines.toString());

        JsonNode reports = json.get("files");
        assertEquals(3, reports.size());
        assertEquals("valid", reports.get(0).get("status").asString());
        assertEquals(List.of(RAINIER, BASE), List.of(reports.get(0).get("sources").get(0).asString(),
                reports.get(0).get("sources").get(1).asString()));
        assertEquals("invalid", reports.get(1).get("status").asString());
        assertEquals(2, reports.get(1).get("errors").asInt());
        assertEquals("unreadable", reports.get(2).get("status").asString());
        assertTrue(reports.get(2).get("message").asString().contains("no such file"), reports.toString());
    }

    @Test
    void jsonQuotesControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\\ud800\"", JsonReport.quote("a\"b\\c\n\u0001\ud800"));
        assertEquals("\"\uD83D\uDE00\"", JsonReport.quote("\uD83D\uDE00"));
    }

    @Test
    void jsonValidManifestsValid() throws IOException {
        assertEquals(0, run("--validate", "--format", "json", RAINIER));
        JsonNode json = new ObjectMapper().readTree(output());
        assertTrue(json.get("valid").asBoolean());
        assertTrue(json.get("findings").isEmpty());
    }

    @Test
    void rootfsAcceptsBuiltImage() {
        assertEquals(0, run("--validate", "--strict", "--rootfs", rootfs.toString(), RAINIER), output());
        assertEquals("", output());
    }

    @Test
    void rootfsMissingInitNamed() throws IOException {
        Files.delete(rootfs.resolve("lib/systemd/systemd"));

        assertEquals(1, run("--validate", "--rootfs", rootfs.toString(), RAINIER));
        String expected = BASE + ":" + BASE_INIT_PATH_LINE + ":9: error at $.init.path: target init /sbin/init"
                + " not found in the root filesystem: " + rootfs.resolve("lib/systemd/systemd") + " does not exist"
                + " (through the symbolic link " + rootfs.resolve("sbin/init") + ")";
        assertEquals(List.of(expected), output().lines().toList());
    }

    @Test
    void rootfsAbsoluteInitLinkResolvedInside() throws IOException {
        Files.delete(rootfs.resolve("sbin/init"));
        Files.createSymbolicLink(rootfs.resolve("sbin/init"), Path.of("/lib/systemd/systemd"));

        assertEquals(0, run("--validate", "--rootfs", rootfs.toString(), RAINIER), output());
    }

    @Test
    void rootfsInitNotExecutable() throws IOException {
        Files.setPosixFilePermissions(rootfs.resolve("lib/systemd/systemd"), PosixFilePermissions.fromString("rw-r--r--"));

        assertEquals(1, run("--validate", "--rootfs", rootfs.toString(), RAINIER));
        assertTrue(output().contains("error at $.init.path: target init /sbin/init is not executable: "
                + rootfs.resolve("lib/systemd/systemd")), output());
    }

    @Test
    void rootfsInitDirectoryRejected() throws IOException {
        Files.delete(rootfs.resolve("sbin/init"));
        Files.createDirectories(rootfs.resolve("sbin/init"));

        assertEquals(1, run("--validate", "--rootfs", rootfs.toString(), RAINIER));
        assertTrue(output().contains("target init /sbin/init is not a regular file"), output());
    }

    @Test
    void rootfsMissingLowerNamed() throws IOException {
        Files.delete(rootfs.resolve("etc"));

        assertEquals(1, run("--validate", "--rootfs", rootfs.toString(), RAINIER));
        List<String> lines = output().lines().toList();
        assertEquals(2, lines.size(), output());
        assertTrue(lines.get(0).startsWith(RAINIER + ":40:17: error at $.overlays[0].mountpoint: overlay mount point"
                + " /etc does not exist in the root filesystem: " + rootfs.resolve("etc") + " is missing"), output());
        assertTrue(lines.get(1).startsWith(RAINIER + ":41:12: error at $.overlays[0].lower: overlay lower directory"
                + " /etc does not exist in the root filesystem: " + rootfs.resolve("etc") + " is missing"), output());
    }

    @Test
    void rootfsMissingMountpointNamed() throws IOException {
        Files.delete(rootfs.resolve("var"));

        assertEquals(1, run("--validate", "--rootfs", rootfs.toString(), RAINIER));
        assertTrue(output().contains(RAINIER + ":24:17: error at $.mounts[0].mountpoint: mount point /var does not"
                + " exist in the root filesystem: " + rootfs.resolve("var") + " is missing"), output());
    }

    @Test
    void rootfsMissingApiDirectoryNamed() throws IOException {
        Files.delete(rootfs.resolve("run"));

        assertEquals(1, run("--validate", "--rootfs", rootfs.toString(), RAINIER));
        assertTrue(output().contains(BASE + ":21:17: error at $.apiFilesystems[3].mountpoint: directory that"
                + " switch_root moves /run to, /run does not exist in the root filesystem"), output());
    }

    @Test
    void rootfsAbsoluteLowerLinkRejected() throws IOException {
        Files.delete(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("usr/etc"));
        Files.createSymbolicLink(rootfs.resolve("etc"), Path.of("/usr/etc"));

        assertEquals(1, run("--validate", "--rootfs", rootfs.toString(), RAINIER));
        assertTrue(output().contains("error at $.overlays[0].lower: overlay lower directory /etc passes the symbolic"
                + " link " + rootfs.resolve("etc") + " with an absolute target"), output());
        assertTrue(output().contains("write the real directory /usr/etc"), output());
    }

    @Test
    void rootfsSkipsPathsOnPartitions() throws IOException {
        Path file = editedRainier("  - /var/persist/etc\n", "  - /var/persist/etc\n  - /var/lib\n");
        Files.writeString(file, Files.readString(file).replace("    lower: /etc", "    lower: /var/lib"));

        assertEquals(0, run("--validate", "--rootfs", rootfs.toString(), file.toString()), output());
    }

    @Test
    void rootfsNotDirectoryExitsTwo() {
        assertEquals(2, run("--validate", "--rootfs", directory.resolve("absent").toString(), RAINIER));
        assertTrue(errors().contains("is not a directory"), errors());
    }

    @Test
    void formatUnknownExitsTwo() {
        assertEquals(2, run("--validate", "--format", "xml", RAINIER));
        assertTrue(errors().contains("--format must be text or json, not xml"), errors());
    }

    @Test
    void rootfsWithoutValidateExitsTwo() {
        assertEquals(2, run("--plan", "--manifest", RAINIER, "--rootfs", rootfs.toString()));
        assertTrue(errors().contains("--rootfs needs --validate"), errors());
    }

    @Test
    void flattenPrintsSelfContainedManifest() throws IOException {
        assertEquals(0, run("--flatten", RAINIER));
        Path flat = directory.resolve("flat.yaml");
        Files.writeString(flat, output());

        assertFalse(output().contains("extends:"), output());
        assertTrue(output().startsWith("# rainier.yaml with common/emmc-bmc.yaml, flattened"), output());
        assertEquals(0, run("--validate", "--strict", flat.toString()), output());
        assertEquals(0, run("--plan", "--manifest", flat.toString(), "--cmdline", "root=PARTLABEL=rofs-b"));
        String flatPlan = output();
        assertEquals(0, run("--plan", "--manifest", RAINIER, "--cmdline", "root=PARTLABEL=rofs-b"));
        assertEquals(output(), flatPlan);
    }

    @Test
    void flattenInvalidWritesNothing() throws IOException {
        Path file = editedRainier("  default: rofs-a", "  default: hostfw");

        assertEquals(1, run("--flatten", file.toString()));
        assertEquals("", output());
        assertTrue(errors().contains("error at $.root.default"), errors());
        assertTrue(errors().contains("is invalid; nothing was written"), errors());
    }

    private static String[] concat(List<String> options, String[] files) {
        List<String> all = new ArrayList<>(options);
        all.addAll(List.of(files));
        return all.toArray(String[]::new);
    }
}
