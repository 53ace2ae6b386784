package dev.manifestinit.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds GPT disk images for tests with src/sandbox/make-disk-image, without root. The script's
 * header comment documents the layout: partitions on 1 MiB boundaries in the order given, each an
 * ext4 filesystem.
 */
public final class DiskImages {
    /** The script, relative to the project directory, which Maven makes the tests' working directory. */
    private static final Path SCRIPT = Path.of("src", "sandbox", "make-disk-image");

    private DiskImages() {
    }

    /**
     * One {@code --partition LABEL:SIZE[:DIR]} argument.
     *
     * @param label the GPT partition name, at most 36 characters and no ':'
     * @param sizeMiB the partition size in MiB (1024 * 1024 bytes)
     * @param contents the directory to copy into the partition's ext4 filesystem, empty for none
     */
    public record ImagePartition(String label, long sizeMiB, Optional<Path> contents) {

        public ImagePartition {
            if (label.contains(":")) {
                throw new IllegalArgumentException("invalid partition label '" + label
                        + "': make-disk-image separates fields with ':'");
            }
            if (sizeMiB <= 0) {
                throw new IllegalArgumentException("invalid size " + sizeMiB + " MiB for partition " + label
                        + ": expected at least 1");
            }
        }

        String argument() {
            String argument = label + ":" + sizeMiB + "M";
            return contents.map(directory -> argument + ":" + directory.toAbsolutePath()).orElse(argument);
        }
    }

    /** Returns the argument for an empty ext4 partition. */
    public static ImagePartition partition(String label, long sizeMiB) {
        return new ImagePartition(label, sizeMiB, Optional.empty());
    }

    /** Returns the argument for an ext4 partition that contains a copy of {@code contents}. */
    public static ImagePartition partition(String label, long sizeMiB, Path contents) {
        return new ImagePartition(label, sizeMiB, Optional.of(contents));
    }

    /** Creates {@code image} of {@code sizeMiB} MiB with {@code partitions} in order, and returns it. */
    public static Path create(Path image, long sizeMiB, List<ImagePartition> partitions) throws IOException {
        List<String> command = new ArrayList<>(List.of(script().toString(), image.toString(),
                "--size", sizeMiB + "M"));
        for (ImagePartition partition : partitions) {
            command.add("--partition");
            command.add(partition.argument());
        }
        ExternalCommand.run(command);
        return image;
    }

    public static Path create(Path image, long sizeMiB, ImagePartition... partitions) throws IOException {
        return create(image, sizeMiB, List.of(partitions));
    }

    /**
     * Creates {@code image} with the layout of an IBM Rainier BMC eMMC: rofs-a and rofs-b (24 MiB
     * each, both filled from {@code rootfs}), rwfs (16 MiB) and hostfw (8 MiB) in a 96 MiB image.
     * They are partitions 1 to 4.
     */
    public static Path createRainier(Path image, Path rootfs) throws IOException {
        return create(image, 96,
                partition("rofs-a", 24, rootfs),
                partition("rofs-b", 24, rootfs),
                partition("rwfs", 16),
                partition("hostfw", 8));
    }

    /** Returns the absolute path of make-disk-image. */
    public static Path script() {
        Path script = SCRIPT.toAbsolutePath();
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException(script + " not found or not executable; run the tests from the"
                    + " project directory, as Maven does");
        }
        return script;
    }
}
