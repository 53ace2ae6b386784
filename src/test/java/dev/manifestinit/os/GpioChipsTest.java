package dev.manifestinit.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPIO character device calls. This kernel has no GPIO chip (and no gpio-sim or gpio-mockup
 * module), so the layouts are checked against linux/gpio.h through the C compiler, and the ioctl
 * path runs for real against a character device that is no GPIO chip.
 */
class GpioChipsTest {
    @TempDir
    Path directory;

    @Test
    void layoutMatchesLinuxGpioHeader() throws Exception {
        Path source = directory.resolve("layout.c");
        Files.writeString(source, """
                #include <stdio.h>
                #include <stddef.h>
                #include <linux/gpio.h>
                int main(void)
                {
                    printf("CHIP_INFO_SIZE %zu\\n", sizeof(struct gpiochip_info));
                    printf("CHIP_INFO_LINES %zu\\n", offsetof(struct gpiochip_info, lines));
                    printf("LINE_INFO_SIZE %zu\\n", sizeof(struct gpio_v2_line_info));
                    printf("LINE_INFO_OFFSET %zu\\n", offsetof(struct gpio_v2_line_info, offset));
                    printf("LINE_REQUEST_SIZE %zu\\n", sizeof(struct gpio_v2_line_request));
                    printf("LINE_REQUEST_CONSUMER %zu\\n", offsetof(struct gpio_v2_line_request, consumer));
                    printf("LINE_REQUEST_CONFIG_FLAGS %zu\\n", offsetof(struct gpio_v2_line_request, config)
                            + offsetof(struct gpio_v2_line_config, flags));
                    printf("LINE_REQUEST_NUM_LINES %zu\\n", offsetof(struct gpio_v2_line_request, num_lines));
                    printf("LINE_REQUEST_FD %zu\\n", offsetof(struct gpio_v2_line_request, fd));
                    printf("LINE_VALUES_SIZE %zu\\n", sizeof(struct gpio_v2_line_values));
                    printf("FLAG_INPUT %llu\\n", (unsigned long long) GPIO_V2_LINE_FLAG_INPUT);
                    printf("GPIO_GET_CHIPINFO_IOCTL %lu\\n", (unsigned long) GPIO_GET_CHIPINFO_IOCTL);
                    printf("GPIO_V2_GET_LINEINFO_IOCTL %lu\\n", (unsigned long) GPIO_V2_GET_LINEINFO_IOCTL);
                    printf("GPIO_V2_GET_LINE_IOCTL %lu\\n", (unsigned long) GPIO_V2_GET_LINE_IOCTL);
                    printf("GPIO_V2_LINE_GET_VALUES_IOCTL %lu\\n", (unsigned long) GPIO_V2_LINE_GET_VALUES_IOCTL);
                    return 0;
                }
                """);
        Path program = directory.resolve("layout");
        ExternalCommand.run("gcc", "-o", program.toString(), source.toString());
        Map<String, Long> header = new HashMap<>();
        for (String line : ExternalCommand.run(program.toString()).split("\n")) {
            String[] fields = line.split(" ");
            header.put(fields[0], Long.parseLong(fields[1]));
        }

        Map<String, Long> ours = Map.ofEntries(
                Map.entry("CHIP_INFO_SIZE", (long) GpioChips.CHIP_INFO_SIZE),
                Map.entry("CHIP_INFO_LINES", (long) GpioChips.CHIP_INFO_LINES),
                Map.entry("LINE_INFO_SIZE", (long) GpioChips.LINE_INFO_SIZE),
                Map.entry("LINE_INFO_OFFSET", (long) GpioChips.LINE_INFO_OFFSET),
                Map.entry("LINE_REQUEST_SIZE", (long) GpioChips.LINE_REQUEST_SIZE),
                Map.entry("LINE_REQUEST_CONSUMER", (long) GpioChips.LINE_REQUEST_CONSUMER),
                Map.entry("LINE_REQUEST_CONFIG_FLAGS", (long) GpioChips.LINE_REQUEST_CONFIG_FLAGS),
                Map.entry("LINE_REQUEST_NUM_LINES", (long) GpioChips.LINE_REQUEST_NUM_LINES),
                Map.entry("LINE_REQUEST_FD", (long) GpioChips.LINE_REQUEST_FD),
                Map.entry("LINE_VALUES_SIZE", (long) GpioChips.LINE_VALUES_SIZE),
                Map.entry("FLAG_INPUT", GpioChips.FLAG_INPUT),
                Map.entry("GPIO_GET_CHIPINFO_IOCTL", GpioChips.GPIO_GET_CHIPINFO_IOCTL),
                Map.entry("GPIO_V2_GET_LINEINFO_IOCTL", GpioChips.GPIO_V2_GET_LINEINFO_IOCTL),
                Map.entry("GPIO_V2_GET_LINE_IOCTL", GpioChips.GPIO_V2_GET_LINE_IOCTL),
                Map.entry("GPIO_V2_LINE_GET_VALUES_IOCTL", GpioChips.GPIO_V2_LINE_GET_VALUES_IOCTL));
        for (Map.Entry<String, Long> entry : ours.entrySet()) {
            assertEquals(header.get(entry.getKey()), entry.getValue(), entry.getKey());
        }
    }

    @Test
    void directoryWithoutChipsHasNoLine() throws Exception {
        assertEquals(List.of(), new GpioChips(directory).find("factory-reset-toggle"));
        assertEquals(List.of(), new GpioChips(directory.resolve("missing")).find("factory-reset-toggle"));
    }

    @Test
    void nonChipDeviceNamesTheIoctl() throws Exception {
        Path chip = Files.createSymbolicLink(directory.resolve("gpiochip0"), Path.of("/dev/null"));

        NativeException error = assertThrows(NativeException.class,
                () -> new GpioChips(directory).find("factory-reset-toggle"));
        Files.delete(chip);

        assertEquals("ENOTTY", error.errnoName(), error.getMessage());
        assertTrue(error.getMessage().contains("GPIO_GET_CHIPINFO_IOCTL"), error.getMessage());
        assertTrue(error.getMessage().contains("gpiochip0"), error.getMessage());
    }
}
