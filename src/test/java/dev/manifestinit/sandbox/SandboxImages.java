package dev.manifestinit.sandbox;

import dev.manifestinit.disk.GptEntry;
import dev.manifestinit.disk.GptReader;
import dev.manifestinit.testing.ExternalCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Builds disk images for boots that reuse an image with {@code src/sandbox/boot --image}, and
 * reads the rwfs inside them back without a loop device.
 *
 * <p>The layout is the one src/sandbox/boot builds by default, with the same rofs trees: a 96 MiB
 * GPT image (512-byte sectors) with rofs-a and rofs-b (24 MiB each, the static target init as
 * /sbin/init and /etc/rofs-side naming the side), rwfs (24 MiB) and hostfw (8 MiB), each an ext4
 * on the next 1 MiB boundary. Here rwfs is filled from a directory of the test's choice.
 */
final class SandboxImages {
    private static final int SECTOR = 512;

    private SandboxImages() {
    }

    /** Creates {@code image} with the layout above and rwfs filled from {@code rwfsContents}. */
    static Path rainier(Path image, Path rwfsContents) throws IOException {
        Path work = Files.createDirectories(image.resolveSibling(image.getFileName() + ".trees"));
        Path targetInit = Path.of(ExternalCommand.run(SandboxBoot.PROJECT.resolve("src/sandbox/build-target-init")
                .toString()).strip());
        List<String> command = new ArrayList<>(List.of(
                SandboxBoot.PROJECT.resolve("src/sandbox/make-disk-image").toString(), image.toString(), "--size", "96M"));
        for (String side : List.of("rofs-a", "rofs-b")) {
            command.add("--partition");
            command.add(side + ":24M:" + rofsTree(work.resolve(side), side, targetInit));
        }
        command.addAll(List.of("--partition", "rwfs:24M:" + rwfsContents, "--partition", "hostfw:8M"));
        ExternalCommand.run(command);
        return image;
    }

    /** Writes the tree src/sandbox/boot gives a rofs side. */
    private static Path rofsTree(Path tree, String side, Path targetInit) throws IOException {
        for (String directory : List.of("etc", "sbin", "var", "dev", "proc", "sys", "run", "tmp", "home")) {
            Files.createDirectories(tree.resolve(directory));
        }
        Files.writeString(tree.resolve("etc/rofs-side"), side + "\n");
        Files.writeString(tree.resolve("etc/hostname"), "rainier-sandbox\n");
        Files.writeString(tree.resolve("etc/passwd"), "root:x:0:0:root:/home/root:/bin/sh\n");
        Files.writeString(tree.resolve("etc/group"), "root:x:0:\n");
        Files.writeString(tree.resolve("etc/os-release"),
                "NAME=\"manifest-init sandbox\"\nID=sandbox\nVARIANT_ID=" + side + "\n");
        Path init = tree.resolve("sbin/init");
        Files.copy(targetInit, init);
        Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tree;
    }

    /** Returns the e2fsprogs name of the rwfs inside {@code image}: {@code IMAGE?offset=BYTES}. */
    static String rwfs(Path image) throws IOException {
        GptEntry entry = GptReader.read(image, SECTOR).entries().stream()
                .filter(candidate -> candidate.name().equals("rwfs"))
                .findFirst()
                .orElseThrow(() -> new IOException("no rwfs partition in " + image));
        return image + "?offset=" + entry.firstLba() * SECTOR;
    }

    /** Runs a debugfs request that writes to the rwfs inside {@code image}. */
    static void debugfsWrite(Path image, String request) throws IOException {
        ExternalCommand.run("debugfs", "-w", "-R", request, rwfs(image));
    }

    /** Copies {@code directory} out of the rwfs inside {@code image} and returns its files' checksums. */
    static Map<String, String> rwfsChecksums(Path image, String directory, Path scratch) throws IOException {
        Path out = Files.createDirectories(scratch.resolve("dump-" + System.nanoTime()));
        ExternalCommand.run("debugfs", "-R", "rdump " + directory + " " + out, rwfs(image));
        return checksums(out.resolve(Path.of(directory).getFileName()));
    }

    /** Returns the SHA-256 of each regular file below {@code root}, by relative path. */
    static Map<String, String> checksums(Path root) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return sums;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                sums.put(root.relativize(file).toString(), sha256(Files.readAllBytes(file)));
            }
        }
        return sums;
    }

    /** Returns the filesystem UUID of the rwfs inside {@code image}, which mkfs changes. */
    static String rwfsUuid(Path image) throws IOException {
        String rwfs = rwfs(image);
        String header = ExternalCommand.run("dumpe2fs", "-h", rwfs);
        return header.lines()
                .filter(line -> line.startsWith("Filesystem UUID:"))
                .map(line -> line.substring("Filesystem UUID:".length()).strip())
                .findFirst()
                .orElseThrow(() -> new IOException("dumpe2fs printed no UUID for " + rwfs + ":\n" + header));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
