package dev.manifestinit.manifest;

import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.Locale;

/**
 * A kernel module that the init loads with finit_module(2) before it looks for the disk.
 *
 * @param path the uncompressed module file in the initramfs, such as /lib/modules/virtio_blk.ko
 * @param parameters module parameters, each {@code name} or {@code name=value}, such as
 *     {@code queue_depth=64}; the kernel receives them joined by spaces
 */
public record KernelModule(
        @NotNull(message = "path is required, such as /lib/modules/virtio_blk.ko") AbsolutePath path,
        List<@NotNull String> parameters) {

    /** The file name suffix of an uncompressed module. */
    public static final String SUFFIX = ".ko";

    public KernelModule {
        parameters = Lists.copyOf(parameters);
    }

    /**
     * Returns the module's name in the kernel: the file name without {@code .ko}, with every
     * {@code -} replaced by {@code _}, as the kernel build names modules. For crc32c-intel.ko that
     * is crc32c_intel.
     */
    public String name() {
        String fileName = path.value().substring(path.value().lastIndexOf('/') + 1);
        if (fileName.toLowerCase(Locale.ROOT).endsWith(SUFFIX)) {
            fileName = fileName.substring(0, fileName.length() - SUFFIX.length());
        }
        return fileName.replace('-', '_');
    }

    /** Returns the parameters as finit_module's param_values string, empty when there are none. */
    public String parameterString() {
        return String.join(" ", parameters);
    }
}
