package dev.manifestinit.uboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvironmentConfigTest {
    private static final Path FILE = Path.of("/etc/fw_env.config");

    @Test
    void redundantEmmcConfig() throws Exception {
        EnvironmentConfig config = EnvironmentConfig.parse(FILE, """
                # Device         Offset    Size
                /dev/mmcblk0boot1 0x0      0x10000
                /dev/mmcblk0boot1 0x10000  0x10000   # the redundant copy
                """);
        assertTrue(config.redundant());
        assertEquals(Path.of("/dev/mmcblk0boot1"), config.copies().get(1).device());
        assertEquals(0x10000, config.copies().get(1).offset());
        assertEquals(0x10000, config.copies().get(1).size());
    }

    @Test
    void decimalOctalAndSectorFields() throws Exception {
        EnvironmentConfig config = EnvironmentConfig.parse(FILE, "/dev/mmcblk0 4096 010000 0x200 2\n");
        assertFalse(config.redundant());
        assertEquals(4096, config.copies().get(0).offset());
        assertEquals(4096, config.copies().get(0).size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/dev/mmcblk0 0x0                      | fw_env.config:1: expected DEVICE OFFSET SIZE",
        "mmcblk0 0x0 0x10000                   | not an absolute path",
        "/dev/mtd1 0x0 0x10000                 | raw flash",
        "/dev/mmcblk0 -0x10000 0x10000         | offsets from the end of the device are not supported",
        "/dev/mmcblk0 0x0 0x4                  | outside 16",
        "/dev/mmcblk0 0x0 ten                  | size 'ten' is not a number",
        "# nothing but a comment               | has no DEVICE OFFSET SIZE line",
    })
    void invalidLineIsNamed(String line, String expected) {
        InvalidEnvironmentException error = assertThrows(InvalidEnvironmentException.class,
                () -> EnvironmentConfig.parse(FILE, line + "\n"));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    @Test
    void copiesOfDifferentSizesAreRejected() {
        InvalidEnvironmentException error = assertThrows(InvalidEnvironmentException.class,
                () -> EnvironmentConfig.parse(FILE, "/dev/a 0 0x1000\n/dev/a 0x1000 0x2000\n"));
        assertTrue(error.getMessage().contains("differ in size"), error.getMessage());
    }

    @Test
    void thirdCopyIsRejected() {
        InvalidEnvironmentException error = assertThrows(InvalidEnvironmentException.class,
                () -> EnvironmentConfig.parse(FILE, "/dev/a 0 0x1000\n/dev/a 0x1000 0x1000\n/dev/a 0x2000 0x1000\n"));
        assertTrue(error.getMessage().contains("fw_env.config:3"), error.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        InvalidEnvironmentException error = assertThrows(InvalidEnvironmentException.class,
                () -> EnvironmentConfig.read(Path.of("/nonexistent/fw_env.config")));
        assertTrue(error.getMessage().contains("/nonexistent/fw_env.config not found"), error.getMessage());
    }
}
