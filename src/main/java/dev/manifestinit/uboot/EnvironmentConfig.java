package dev.manifestinit.uboot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The location of the u-boot environment, as fw_env.config describes it: one line per copy, each
 * {@code DEVICE OFFSET SIZE [SECTOR_SIZE [SECTORS]]}; a second line makes the environment
 * redundant. Numbers are decimal, or hexadecimal with 0x, as strtoul(3) with base 0 reads them.
 * '#' starts a comment.
 *
 * @param copies one copy, or two for a redundant environment
 */
public record EnvironmentConfig(Path file, List<Location> copies) {

    /**
     * One copy of the environment.
     *
     * @param device a block device or a file, such as /dev/mmcblk0boot1
     * @param offset where the copy starts in the device, in bytes
     * @param size the size of the copy in bytes, its header included
     */
    public record Location(Path device, long offset, int size) {
        @Override
        public String toString() {
            return device + " at offset 0x" + Long.toHexString(offset) + " (0x" + Integer.toHexString(size)
                    + " bytes)";
        }
    }

    /** The smallest size that contains the header of a redundant copy and one empty variable list. */
    private static final int MIN_SIZE = 16;
    /** A u-boot environment is at most a few hundred KiB; the limit stops a wrong line from reading gigabytes. */
    private static final int MAX_SIZE = 16 * 1024 * 1024;

    public EnvironmentConfig {
        copies = List.copyOf(copies);
    }

    public boolean redundant() {
        return copies.size() == 2;
    }

    /** Reads and parses {@code file}; the exception names the file and the line of any problem. */
    public static EnvironmentConfig read(Path file) throws InvalidEnvironmentException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidEnvironmentException(file + " not found; it must describe where the u-boot"
                    + " environment is (DEVICE OFFSET SIZE)", e);
        } catch (IOException e) {
            throw new InvalidEnvironmentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(file, text);
    }

    public static EnvironmentConfig parse(Path file, String text) throws InvalidEnvironmentException {
        List<Location> copies = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int comment = line.indexOf('#');
            if (comment >= 0) {
                line = line.substring(0, comment);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + ":" + (i + 1);
            String[] fields = line.split("\\s+");
            if (fields.length < 3 || fields.length > 5) {
                throw new InvalidEnvironmentException(where + ": expected DEVICE OFFSET SIZE [SECTOR_SIZE [SECTORS]],"
                        + " got '" + line + "'");
            }
            if (copies.size() == 2) {
                throw new InvalidEnvironmentException(where + ": a third environment copy; u-boot keeps one or two");
            }
            String device = fields[0];
            if (!device.startsWith("/")) {
                throw new InvalidEnvironmentException(where + ": device '" + device + "' is not an absolute path");
            }
            if (device.startsWith("/dev/mtd") || device.startsWith("/dev/ubi")) {
                throw new InvalidEnvironmentException(where + ": " + device + " is raw flash, which needs an erase"
                        + " before each write; only block devices and files are supported");
            }
            long offset = number(fields[1], where, "offset");
            long size = number(fields[2], where, "size");
            if (size < MIN_SIZE || size > MAX_SIZE) {
                throw new InvalidEnvironmentException(where + ": size " + fields[2] + " is outside " + MIN_SIZE
                        + " to " + MAX_SIZE + " bytes");
            }
            copies.add(new Location(Path.of(device), offset, (int) size));
        }
        if (copies.isEmpty()) {
            throw new InvalidEnvironmentException(file + " has no DEVICE OFFSET SIZE line");
        }
        if (copies.size() == 2 && copies.get(0).size() != copies.get(1).size()) {
            throw new InvalidEnvironmentException(file + ": the two environment copies differ in size ("
                    + copies.get(0).size() + " and " + copies.get(1).size() + " bytes); u-boot needs equal sizes");
        }
        return new EnvironmentConfig(file, copies);
    }

    /** Reads a number the way strtoul with base 0 does: 0x for hexadecimal, a leading 0 for octal. */
    private static long number(String text, String where, String field) throws InvalidEnvironmentException {
        try {
            long value;
            if (text.startsWith("0x") || text.startsWith("0X")) {
                value = Long.parseLong(text.substring(2), 16);
            } else if (text.length() > 1 && text.startsWith("0")) {
                value = Long.parseLong(text.substring(1), 8);
            } else {
                value = Long.parseLong(text);
            }
            if (value < 0) {
                throw new NumberFormatException("negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidEnvironmentException(where + ": " + field + " '" + text + "' is not a number"
                    + " of bytes such as 0x4000; offsets from the end of the device are not supported", e);
        }
    }

    @Override
    public String toString() {
        return copies.size() == 1 ? copies.get(0).toString() : copies.get(0) + " and " + copies.get(1);
    }
}
