package dev.manifestinit.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The product's jar for tests that put it into an initramfs.
 *
 * <p>Surefire runs the tests before {@code package}, so target/manifest-init.jar is missing on a
 * clean build and stale after a change. The tests therefore build their own jar from
 * target/classes, with the same Main-Class and a Class-Path naming the jars in target/lib, which
 * Maven fills before the tests. An initramfs puts that jar at /manifest-init.jar and target/lib at
 * /lib, where the Class-Path finds them, exactly as with the packaged jar.
 */
public final class ProductJar {
    public static final String MAIN_CLASS = "dev.manifestinit.cli.Main";
    public static final Path PROJECT = Path.of("").toAbsolutePath();
    /** The runtime dependencies, which Maven copies before the tests. */
    public static final Path LIB = PROJECT.resolve("target/lib");

    private static final Path CLASSES = PROJECT.resolve("target/classes");
    private static final Path JAR = PROJECT.resolve("target/sandbox/jar/manifest-init.jar");

    private static boolean built;

    private ProductJar() {
    }

    /** Whether the product's command-line entry point has been compiled, so the Java init can boot. */
    public static boolean productCliBuilt() {
        return Files.isRegularFile(CLASSES.resolve(MAIN_CLASS.replace('.', '/') + ".class"));
    }

    /** Builds the jar once per test JVM and returns its path. */
    public static synchronized Path build() throws IOException {
        if (built) {
            return JAR;
        }
        if (!Files.isDirectory(LIB)) {
            throw new IllegalStateException(LIB + " is missing; run the tests through Maven, which"
                    + " copies the runtime dependencies there before the tests");
        }
        List<String> libraries;
        try (Stream<Path> files = Files.list(LIB)) {
            libraries = files.map(file -> "lib/" + file.getFileName())
                    .filter(entry -> entry.endsWith(".jar"))
                    .sorted()
                    .toList();
        }
        Manifest manifest = new Manifest();
        Attributes attributes = manifest.getMainAttributes();
        attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.put(Attributes.Name.MAIN_CLASS, MAIN_CLASS);
        attributes.put(Attributes.Name.CLASS_PATH, String.join(" ", libraries));
        attributes.put(new Attributes.Name("Enable-Native-Access"), "ALL-UNNAMED");

        Files.createDirectories(JAR.getParent());
        List<Path> classFiles;
        try (Stream<Path> files = Files.walk(CLASSES)) {
            classFiles = files.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
        try (OutputStream file = Files.newOutputStream(JAR);
                JarOutputStream jar = new JarOutputStream(file, manifest)) {
            for (Path classFile : classFiles) {
                String entry = CLASSES.relativize(classFile).toString().replace(File.separatorChar, '/');
                jar.putNextEntry(new JarEntry(entry));
                Files.copy(classFile, jar);
                jar.closeEntry();
            }
        }
        built = true;
        return JAR;
    }
}
