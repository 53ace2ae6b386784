package dev.manifestinit.uboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.ExternalCommand;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environments are made by u-boot-tools' mkenvimage and read back by fw_printenv (libubootenv),
 * so both the reader and the writer are checked against the tools that OpenBMC uses.
 *
 * <p>Layout of the image files: 64 KiB copies, the first at 8 KiB, the second (when redundant) at
 * 72 KiB, in a 256 KiB file that starts with a block of 0x5a bytes that must stay untouched.
 */
class UbootEnvironmentTest {
    private static final int SIZE = 0x10000;
    private static final int FIRST = 0x2000;
    private static final int SECOND = 0x12000;

    @TempDir
    Path directory;

    @Test
    void singleCopyFromMkenvimage() throws Exception {
        Path image = image();
        writeAt(image, FIRST, mkenvimage(false, "bootcmd=run boot", "rwreset=true", "empty="));
        EnvironmentConfig config = config(image, false);

        UbootEnvironment environment = UbootEnvironment.read(config);

        assertTrue(environment.valid());
        assertEquals(Optional.of("true"), environment.get("rwreset"));
        assertEquals(Optional.of(""), environment.get("empty"));
        assertEquals(List.of("bootcmd", "rwreset", "empty"), List.copyOf(environment.variables().keySet()));
    }

    @Test
    void singleCopyUpdateReadByFwPrintenv() throws Exception {
        Path image = image();
        writeAt(image, FIRST, mkenvimage(false, "bootcmd=run boot", "rwreset=true"));
        EnvironmentConfig config = config(image, false);

        Map<String, String> changes = new HashMap<>();
        changes.put("rwreset", null);
        changes.put("level", "1");
        UbootEnvironment.read(config).update(changes);

        assertEquals(List.of("bootcmd=run boot", "level=1"), fwPrintenv(config));
        assertEquals(0x5a, Files.readAllBytes(image)[0] & 0xff, "bytes before the copy changed");
    }

    @Test
    void redundantUpdateGoesToTheOtherCopy() throws Exception {
        Path image = image();
        writeAt(image, FIRST, mkenvimage(true, "bootcmd=run boot", "rwreset=true"));
        EnvironmentConfig config = config(image, true);
        byte[] firstBefore = readAt(image, FIRST, SIZE);

        UbootEnvironment.read(config).update(Map.of("rwreset", "0"));

        assertTrue(Arrays.equals(firstBefore, readAt(image, FIRST, SIZE)), "the copy in use was written");
        assertEquals(2, readAt(image, SECOND, SIZE)[4], "flags of the new copy");
        assertEquals(List.of("bootcmd=run boot", "rwreset=0"), fwPrintenv(config));
        assertEquals(Optional.of("0"), UbootEnvironment.read(config).get("rwreset"));
    }

    @Test
    void redundantUpdatesAlternate() throws Exception {
        Path image = image();
        writeAt(image, FIRST, mkenvimage(true, "a=1"));
        EnvironmentConfig config = config(image, true);

        UbootEnvironment.read(config).update(Map.of("a", "2"));
        UbootEnvironment.read(config).update(Map.of("a", "3"));

        assertEquals(3, readAt(image, FIRST, SIZE)[4], "flags of the first copy after two updates");
        assertEquals(Optional.of("3"), UbootEnvironment.read(config).get("a"));
        assertEquals(List.of("a=3"), fwPrintenv(config));
    }

    @Test
    void flagsWrapFromMaximumToZero() throws Exception {
        Path image = image();
        EnvironmentConfig config = config(image, true);
        writeAt(image, FIRST, UbootEnvironment.encode(Map.of("copy", "first"), SIZE, 5, 255, config.copies().get(0)));
        writeAt(image, SECOND, UbootEnvironment.encode(Map.of("copy", "second"), SIZE, 5, 0, config.copies().get(1)));

        assertEquals(Optional.of("second"), UbootEnvironment.read(config).get("copy"));
        assertEquals(List.of("copy=second"), fwPrintenv(config));
    }

    @Test
    void greaterFlagsWin() throws Exception {
        Path image = image();
        EnvironmentConfig config = config(image, true);
        writeAt(image, FIRST, UbootEnvironment.encode(Map.of("copy", "first"), SIZE, 5, 7, config.copies().get(0)));
        writeAt(image, SECOND, UbootEnvironment.encode(Map.of("copy", "second"), SIZE, 5, 6, config.copies().get(1)));

        assertEquals(Optional.of("first"), UbootEnvironment.read(config).get("copy"));
        assertEquals(List.of("copy=first"), fwPrintenv(config));
    }

    @Test
    void badNewerCopyFallsBack() throws Exception {
        Path image = image();
        EnvironmentConfig config = config(image, true);
        writeAt(image, FIRST, UbootEnvironment.encode(Map.of("copy", "first"), SIZE, 5, 1, config.copies().get(0)));
        byte[] second = UbootEnvironment.encode(Map.of("copy", "second"), SIZE, 5, 2, config.copies().get(1));
        second[10] ^= 1;
        writeAt(image, SECOND, second);

        UbootEnvironment environment = UbootEnvironment.read(config);

        assertEquals(Optional.of("first"), environment.get("copy"));
        assertEquals(1, environment.problems().size());
        assertTrue(environment.problems().get(0).contains("bad CRC"), environment.problems().get(0));
    }

    @Test
    void noValidCopyIsNeverWritten() throws Exception {
        Path image = image();
        EnvironmentConfig config = config(image, true);
        byte[] before = Files.readAllBytes(image);

        UbootEnvironment environment = UbootEnvironment.read(config);

        assertFalse(environment.valid());
        assertEquals(2, environment.problems().size());
        InvalidEnvironmentException error = assertThrows(InvalidEnvironmentException.class,
                () -> environment.update(Map.of("rwreset", "1")));
        assertTrue(error.getMessage().contains("no copy with a valid CRC"), error.getMessage());
        assertTrue(Arrays.equals(before, Files.readAllBytes(image)), "the image changed");
    }

    @Test
    void tooLargeUpdateIsRejected() throws Exception {
        Path image = image();
        writeAt(image, FIRST, mkenvimage(false, "a=1"));
        EnvironmentConfig config = config(image, false);

        InvalidEnvironmentException error = assertThrows(InvalidEnvironmentException.class,
                () -> UbootEnvironment.read(config).update(Map.of("big", "x".repeat(SIZE))));
        assertTrue(error.getMessage().contains("does not fit"), error.getMessage());
        assertEquals(List.of("a=1"), fwPrintenv(config));
    }

    @Test
    void missingDeviceIsNamed() throws Exception {
        EnvironmentConfig config = EnvironmentConfig.parse(directory.resolve("fw_env.config"),
                directory.resolve("missing") + " 0 0x10000\n");
        InvalidEnvironmentException error = assertThrows(InvalidEnvironmentException.class,
                () -> UbootEnvironment.read(config));
        assertTrue(error.getMessage().contains("missing"), error.getMessage());
        assertTrue(error.getMessage().contains("no such file or device"), error.getMessage());
    }

    private Path image() throws IOException {
        Path image = directory.resolve("env.img");
        byte[] bytes = new byte[0x40000];
        Arrays.fill(bytes, 0, FIRST, (byte) 0x5a);
        Files.write(image, bytes);
        return image;
    }

    private EnvironmentConfig config(Path image, boolean redundant) throws IOException {
        String text = image + " 0x" + Integer.toHexString(FIRST) + " 0x" + Integer.toHexString(SIZE) + "\n";
        if (redundant) {
            text += image + " 0x" + Integer.toHexString(SECOND) + " 0x" + Integer.toHexString(SIZE) + "\n";
        }
        Path file = directory.resolve("fw_env.config");
        Files.writeString(file, text);
        return EnvironmentConfig.read(file);
    }

    private byte[] mkenvimage(boolean redundant, String... variables) throws IOException {
        Path input = directory.resolve("variables.txt");
        Files.writeString(input, String.join("\n", variables) + "\n");
        Path output = directory.resolve("mkenvimage.bin");
        if (redundant) {
            ExternalCommand.run("mkenvimage", "-r", "-s", Integer.toString(SIZE), "-o", output.toString(), input.toString());
        } else {
            ExternalCommand.run("mkenvimage", "-s", Integer.toString(SIZE), "-o", output.toString(), input.toString());
        }
        return Files.readAllBytes(output);
    }

    private static List<String> fwPrintenv(EnvironmentConfig config) throws IOException {
        return ExternalCommand.run("fw_printenv", "-c", config.file().toString()).lines().sorted().toList();
    }

    private static void writeAt(Path image, long offset, byte[] bytes) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.seek(offset);
            file.write(bytes);
        }
    }

    private static byte[] readAt(Path image, long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "r")) {
            file.seek(offset);
            file.readFully(bytes);
        }
        return bytes;
    }
}
