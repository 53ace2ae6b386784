package dev.manifestinit.uboot;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The u-boot environment, read and written without fw_printenv and fw_setenv.
 *
 * <p>On-disk format of one copy (u-boot's include/env.h, struct environment_s): a CRC32 of the data
 * (zlib's polynomial, stored little-endian, as on the ARM BMCs this targets), then in a redundant
 * environment one flags byte, then the data: {@code name=value} strings each ended by a NUL, an
 * empty string after the last, and padding up to the copy's size. The CRC covers all of the data,
 * padding included.
 *
 * <p>Of two redundant copies, u-boot uses the one whose CRC is valid; with both valid, the one with
 * the greater flags byte, where 0 counts as newer than 255. A write goes to the other copy with
 * flags + 1, so that a power cut during the write leaves the old copy in use. A single copy is
 * rewritten in place. A power cut during that write leaves a bad CRC, so u-boot then falls back
 * to its built-in environment.
 */
public final class UbootEnvironment {
    private static final int CRC_SIZE = 4;
    private static final int FLAGS_SIZE = 1;

    private final EnvironmentConfig config;
    /** Index in config.copies() of the copy in use, or -1 when no copy has a valid CRC. */
    private final int active;
    private final int flags;
    private final LinkedHashMap<String, String> variables;
    private final List<String> problems;

    private UbootEnvironment(EnvironmentConfig config, int active, int flags, LinkedHashMap<String, String> variables,
            List<String> problems) {
        this.config = config;
        this.active = active;
        this.flags = flags;
        this.variables = variables;
        this.problems = problems;
    }

    /**
     * Reads every copy that {@code config} names. A copy with a bad CRC is not an error: the result
     * then has no variables and {@link #valid()} is false. A device that cannot be read is.
     */
    public static UbootEnvironment read(EnvironmentConfig config) throws InvalidEnvironmentException {
        List<byte[]> copies = new ArrayList<>();
        for (EnvironmentConfig.Location location : config.copies()) {
            copies.add(readCopy(location));
        }
        int header = headerSize(config);
        List<String> problems = new ArrayList<>();
        int chosen = -1;
        for (int i = 0; i < copies.size(); i++) {
            byte[] copy = copies.get(i);
            long stored = ByteBuffer.wrap(copy, 0, CRC_SIZE).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            long computed = crc(copy, header);
            if (stored != computed) {
                problems.add(config.copies().get(i) + ": bad CRC (stored 0x" + Long.toHexString(stored)
                        + ", computed 0x" + Long.toHexString(computed) + ")");
                continue;
            }
            if (chosen < 0 || newer(flagsOf(copy), flagsOf(copies.get(chosen)))) {
                chosen = i;
            }
        }
        if (chosen < 0) {
            return new UbootEnvironment(config, -1, 0, new LinkedHashMap<>(), problems);
        }
        byte[] copy = copies.get(chosen);
        return new UbootEnvironment(config, chosen, config.redundant() ? flagsOf(copy) : 0,
                parseVariables(copy, header), problems);
    }

    /** Returns whether a copy with a valid CRC was found, so that the variables are those u-boot reads. */
    public boolean valid() {
        return active >= 0;
    }

    /** Returns why copies were not used, such as a bad CRC, or an empty list when every copy was good. */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(variables.get(name));
    }

    public Map<String, String> variables() {
        return Collections.unmodifiableMap(variables);
    }

    /**
     * Sets and deletes variables in one write, keeping every other variable and its order, and
     * flushes the device. A null value deletes the variable. With two copies, writes the copy not in
     * use, so that the copy read here stays intact until the new one is complete.
     *
     * @throws InvalidEnvironmentException when no copy was valid, because writing then would drop
     *     every variable that u-boot's built-in environment has, or when the result does not fit
     */
    public void update(Map<String, String> changes) throws InvalidEnvironmentException {
        if (!valid()) {
            throw new InvalidEnvironmentException("the u-boot environment at " + config + " has no copy with a"
                    + " valid CRC; writing it would replace u-boot's built-in variables, so it is left as it is");
        }
        LinkedHashMap<String, String> next = new LinkedHashMap<>(variables);
        for (Map.Entry<String, String> change : changes.entrySet()) {
            if (change.getValue() == null) {
                next.remove(change.getKey());
            } else {
                next.put(change.getKey(), change.getValue());
            }
        }
        int target = config.redundant() ? 1 - active : 0;
        int nextFlags = (flags + 1) & 0xff;
        EnvironmentConfig.Location location = config.copies().get(target);
        byte[] copy = encode(next, location.size(), headerSize(config), nextFlags, location);
        writeCopy(location, copy);
        variables.clear();
        variables.putAll(next);
    }

    /** Encodes a whole copy: CRC, flags when redundant, the variables and zero padding. */
    static byte[] encode(Map<String, String> variables, int size, int header, int flags,
            EnvironmentConfig.Location location) throws InvalidEnvironmentException {
        byte[] copy = new byte[size];
        int position = header;
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            byte[] entry = (variable.getKey() + "=" + variable.getValue()).getBytes(StandardCharsets.ISO_8859_1);
            // The entry, its NUL, and the empty string that ends the list must fit.
            if (position + entry.length + 2 > size) {
                throw new InvalidEnvironmentException("the u-boot environment does not fit into " + location
                        + " with " + variable.getKey() + " set");
            }
            System.arraycopy(entry, 0, copy, position, entry.length);
            position += entry.length + 1;
        }
        if (header == CRC_SIZE + FLAGS_SIZE) {
            copy[CRC_SIZE] = (byte) flags;
        }
        ByteBuffer.wrap(copy, 0, CRC_SIZE).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc(copy, header));
        return copy;
    }

    private static int headerSize(EnvironmentConfig config) {
        return config.redundant() ? CRC_SIZE + FLAGS_SIZE : CRC_SIZE;
    }

    private static long crc(byte[] copy, int header) {
        CRC32 crc = new CRC32();
        crc.update(copy, header, copy.length - header);
        return crc.getValue();
    }

    private static int flagsOf(byte[] copy) {
        return copy[CRC_SIZE] & 0xff;
    }

    /** u-boot's rule for two valid copies: the greater flags byte wins, and 0 follows 255. */
    private static boolean newer(int candidate, int current) {
        if (candidate == 0 && current == 255) {
            return true;
        }
        if (candidate == 255 && current == 0) {
            return false;
        }
        return candidate > current;
    }

    /**
     * Reads the name=value strings up to the empty one. Bytes become chars one to one (ISO-8859-1),
     * so that any value written back is byte for byte what was read.
     */
    private static LinkedHashMap<String, String> parseVariables(byte[] copy, int header) {
        LinkedHashMap<String, String> variables = new LinkedHashMap<>();
        int start = header;
        while (start < copy.length && copy[start] != 0) {
            int end = start;
            while (end < copy.length && copy[end] != 0) {
                end++;
            }
            String entry = new String(copy, start, end - start, StandardCharsets.ISO_8859_1);
            int equals = entry.indexOf('=');
            // u-boot's own import skips an entry without '='; so does this reader.
            if (equals > 0) {
                variables.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
            start = end + 1;
        }
        return variables;
    }

    private static byte[] readCopy(EnvironmentConfig.Location location) throws InvalidEnvironmentException {
        ByteBuffer buffer = ByteBuffer.allocate(location.size());
        try (FileChannel channel = FileChannel.open(location.device(), StandardOpenOption.READ)) {
            long position = location.offset();
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position);
                if (read < 0) {
                    throw new EOFException("the device ends before the copy does");
                }
                position += read;
            }
        } catch (IOException e) {
            throw new InvalidEnvironmentException("cannot read the u-boot environment from " + location + ": "
                    + describe(e), e);
        }
        return buffer.array();
    }

    private static void writeCopy(EnvironmentConfig.Location location, byte[] copy) throws InvalidEnvironmentException {
        // No CREATE and no TRUNCATE: the device or file must exist, and the bytes around the copy stay.
        try (FileChannel channel = FileChannel.open(location.device(), StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(copy);
            long position = location.offset();
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
            // fsync(2): on a block device it also flushes the device's write cache.
            channel.force(true);
        } catch (IOException e) {
            throw new InvalidEnvironmentException("cannot write the u-boot environment to " + location + ": "
                    + describe(e), e);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or device";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public String toString() {
        if (!valid()) {
            return "u-boot environment at " + config + " (no valid copy)";
        }
        return "u-boot environment at " + config.copies().get(active)
                + (config.redundant() ? " (redundant copy " + (active + 1) + ", flags " + flags + ")" : "");
    }
}
