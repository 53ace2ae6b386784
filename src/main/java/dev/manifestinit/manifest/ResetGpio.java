package dev.manifestinit.manifest;

import jakarta.validation.constraints.NotEmpty;

/**
 * A GPIO line whose level, compared with the level stored at the last boot, requests a factory
 * reset when it changed.
 *
 * @param line the line name from the device tree's gpio-line-names, such as factory-reset-toggle
 * @param storedIn the u-boot environment variable that keeps the level between boots; it must
 *     not live on a partition that the reset formats
 */
public record ResetGpio(
        @NotEmpty(message = "line must name the GPIO line, such as factory-reset-toggle") String line,
        @NotEmpty(message = "storedIn must name the u-boot variable that keeps the last level") String storedIn) {
}
