package dev.manifestinit.os;

import static dev.manifestinit.os.NativeLibrary.arguments;
import static dev.manifestinit.os.NativeLibrary.cString;
import static dev.manifestinit.os.NativeLibrary.failure;
import static dev.manifestinit.os.NativeLibrary.libc;
import static dev.manifestinit.os.NativeLibrary.quote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * GPIO lines through the GPIO character devices, /dev/gpiochipN, with the v2 ioctls of
 * linux/gpio.h (Linux 5.10 and later). The struct layouts below are the same on 32- and 64-bit
 * kernels, which the v2 ABI was designed for.
 *
 * <p>The request numbers use the _IOC encoding of the asm-generic ioctl.h (x86, ARM, AArch64,
 * RISC-V); PowerPC, MIPS and SPARC place the direction bits elsewhere and are not supported.
 */
public final class GpioChips {
    /** Size of the name fields, GPIO_MAX_NAME_SIZE. */
    static final int NAME_SIZE = 32;
    /** struct gpiochip_info: name[32], label[32], __u32 lines. */
    static final int CHIP_INFO_SIZE = 68;
    static final int CHIP_INFO_LINES = 64;
    /** struct gpio_v2_line_info: name[32], consumer[32], __u32 offset, __u32 num_attrs, __u64 flags, ... */
    static final int LINE_INFO_SIZE = 256;
    static final int LINE_INFO_OFFSET = 64;
    /** struct gpio_v2_line_request: offsets[64], consumer[32], config (272 bytes), num_lines, ..., __s32 fd. */
    static final int LINE_REQUEST_SIZE = 592;
    static final int LINE_REQUEST_CONSUMER = 256;
    static final int LINE_REQUEST_CONFIG_FLAGS = 288;
    static final int LINE_REQUEST_NUM_LINES = 560;
    static final int LINE_REQUEST_FD = 588;
    /** struct gpio_v2_line_values: __u64 bits, __u64 mask. */
    static final int LINE_VALUES_SIZE = 16;
    /** GPIO_V2_LINE_FLAG_INPUT. */
    static final long FLAG_INPUT = 1L << 2;

    private static final int WRITE = 1;
    private static final int READ = 2;
    private static final int GPIO_IOCTL_TYPE = 0xB4;

    static final long GPIO_GET_CHIPINFO_IOCTL = ioc(READ, 0x01, CHIP_INFO_SIZE);
    static final long GPIO_V2_GET_LINEINFO_IOCTL = ioc(READ | WRITE, 0x05, LINE_INFO_SIZE);
    static final long GPIO_V2_GET_LINE_IOCTL = ioc(READ | WRITE, 0x07, LINE_REQUEST_SIZE);
    static final long GPIO_V2_LINE_GET_VALUES_IOCTL = ioc(READ | WRITE, 0x0E, LINE_VALUES_SIZE);

    private static final String CONSUMER = "manifest-init";

    /**
     * A line found by name.
     *
     * @param chip the character device, such as /dev/gpiochip0
     * @param offset the line's offset on its chip
     */
    public record Line(Path chip, int offset) {
        @Override
        public String toString() {
            return chip + " line " + offset;
        }
    }

    private final Path deviceDirectory;

    /** @param deviceDirectory where the gpiochip nodes are, /dev in a boot */
    public GpioChips(Path deviceDirectory) {
        this.deviceDirectory = deviceDirectory;
    }

    /** Returns every line named {@code name} on every chip, in chip order; empty when none has it. */
    public List<Line> find(String name) throws IOException {
        List<Line> found = new ArrayList<>();
        for (Path chip : chips()) {
            int fd = open(chip);
            try {
                Pointer info = Memory.allocateDirect(NativeLibrary.runtime(), CHIP_INFO_SIZE, true);
                ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, "GPIO_GET_CHIPINFO_IOCTL", info, chip);
                long lines = info.getInt(CHIP_INFO_LINES) & 0xffffffffL;
                for (int offset = 0; offset < lines; offset++) {
                    Pointer lineInfo = Memory.allocateDirect(NativeLibrary.runtime(), LINE_INFO_SIZE, true);
                    lineInfo.putInt(LINE_INFO_OFFSET, offset);
                    ioctl(fd, GPIO_V2_GET_LINEINFO_IOCTL, "GPIO_V2_GET_LINEINFO_IOCTL", lineInfo, chip);
                    if (name.equals(string(lineInfo, 0))) {
                        found.add(new Line(chip, offset));
                    }
                }
            } finally {
                // A descriptor that only queried the chip loses nothing when close fails.
                libc().close(fd);
            }
        }
        return found;
    }

    /** Requests {@code line} as an input, reads its physical level (0 or 1) and releases it. */
    public int readLevel(Line line) throws IOException {
        int fd = open(line.chip());
        try {
            Pointer request = Memory.allocateDirect(NativeLibrary.runtime(), LINE_REQUEST_SIZE, true);
            request.putInt(0, line.offset());
            byte[] consumer = CONSUMER.getBytes(StandardCharsets.US_ASCII);
            request.put(LINE_REQUEST_CONSUMER, consumer, 0, consumer.length);
            request.putLongLong(LINE_REQUEST_CONFIG_FLAGS, FLAG_INPUT);
            request.putInt(LINE_REQUEST_NUM_LINES, 1);
            ioctl(fd, GPIO_V2_GET_LINE_IOCTL, "GPIO_V2_GET_LINE_IOCTL", request, line.chip());
            int lineFd = request.getInt(LINE_REQUEST_FD);
            try {
                Pointer values = Memory.allocateDirect(NativeLibrary.runtime(), LINE_VALUES_SIZE, true);
                values.putLongLong(8, 1L);
                ioctl(lineFd, GPIO_V2_LINE_GET_VALUES_IOCTL, "GPIO_V2_LINE_GET_VALUES_IOCTL", values, line.chip());
                return (int) (values.getLongLong(0) & 1L);
            } finally {
                // Closing releases the line; nothing was written through it.
                libc().close(lineFd);
            }
        } finally {
            libc().close(fd);
        }
    }

    /** Lists the gpiochipN nodes in numeric order. */
    private List<Path> chips() throws IOException {
        List<Path> chips = new ArrayList<>();
        if (!Files.isDirectory(deviceDirectory)) {
            return chips;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(deviceDirectory, "gpiochip[0-9]*")) {
            for (Path entry : entries) {
                chips.add(entry);
            }
        }
        chips.sort(Comparator.comparingLong(chip -> chipNumber(chip.getFileName().toString())));
        return chips;
    }

    private static long chipNumber(String name) {
        try {
            return Long.parseLong(name.substring("gpiochip".length()));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static int open(Path chip) throws NativeException {
        int flags = OpenFlags.READ_ONLY | OpenFlags.CLOSE_ON_EXEC;
        int fd = libc().openat(Statx.AT_FDCWD, cString(chip.toString()), flags, 0);
        if (fd < 0) {
            throw failure("openat", arguments("AT_FDCWD", quote(chip.toString()), "O_RDONLY|O_CLOEXEC"));
        }
        return fd;
    }

    private static void ioctl(int fd, long request, String requestName, Pointer argument, Path chip)
            throws NativeException {
        if (libc().ioctl(fd, request, argument) != 0) {
            throw failure("ioctl", arguments(fd + " (" + chip + ")", requestName, "buffer"));
        }
    }

    private static String string(Pointer buffer, int offset) {
        byte[] bytes = new byte[NAME_SIZE];
        buffer.get(offset, bytes, 0, NAME_SIZE);
        int length = 0;
        while (length < NAME_SIZE && bytes[length] != 0) {
            length++;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** _IOC(dir, type, nr, size) of asm-generic/ioctl.h: dir in bits 30-31, size 16-29, type 8-15, nr 0-7. */
    private static long ioc(int direction, int number, int size) {
        return ((long) direction << 30) | ((long) size << 16) | ((long) GPIO_IOCTL_TYPE << 8) | number;
    }
}
