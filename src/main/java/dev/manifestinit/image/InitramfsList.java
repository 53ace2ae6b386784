package dev.manifestinit.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of initramfs entries in the format of the Linux kernel's usr/gen_init_cpio, one entry a
 * line, which {@link #writeTo} turns into a newc archive:
 *
 * <pre>
 * # a comment
 * dir   NAME MODE UID GID
 * file  NAME SOURCE MODE UID GID
 * slink NAME TARGET MODE UID GID
 * nod   NAME MODE UID GID b|c MAJOR MINOR
 * pipe  NAME MODE UID GID
 * </pre>
 *
 * MODE is octal permission bits, such as 0755. A file entry takes its content and modification
 * time from SOURCE on this machine; every other entry gets the default modification time. Fields
 * are separated by blanks, so names cannot contain blanks. Hard links (gen_init_cpio's extra names
 * after a file entry) and sockets are not supported.
 */
public final class InitramfsList {
    private final List<Line> lines;

    private record Line(int number, CpioWriter.Entry entry, Path source, String linkTarget) {
    }

    /** Invalid lines of a list, every one of them, each as {@code FILE:LINE: message}. */
    public static final class InvalidListException extends Exception {
        private final List<String> problems;

        InvalidListException(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private InitramfsList(List<Line> lines) {
        this.lines = lines;
    }

    /**
     * Reads the list {@code file}. A file entry's SOURCE must be a regular file, read when the
     * archive is written.
     *
     * @param defaultMtime the modification time, in seconds since 1970, of every entry but files
     * @throws InvalidListException naming every invalid line
     */
    public static InitramfsList read(Path file, long defaultMtime) throws IOException, InvalidListException {
        List<Line> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> text = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < text.size(); i++) {
            String line = text.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                lines.add(parse(i + 1, line.split("\\s+"), defaultMtime));
            } catch (IllegalArgumentException e) {
                problems.add(file + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidListException(problems);
        }
        return new InitramfsList(lines);
    }

    /** Writes every entry in list order to {@code writer}; the caller finishes the archive. */
    public void writeTo(CpioWriter writer) throws IOException {
        for (Line line : lines) {
            try {
                if (line.source() != null) {
                    try (InputStream data = Files.newInputStream(line.source())) {
                        writer.add(line.entry(), data);
                    }
                } else if (line.linkTarget() != null) {
                    writer.add(line.entry(), new ByteArrayInputStream(line.linkTarget().getBytes(StandardCharsets.UTF_8)));
                } else {
                    writer.add(line.entry(), null);
                }
            } catch (IllegalArgumentException e) {
                throw new IOException("list line " + line.number() + ": " + e.getMessage(), e);
            }
        }
    }

    private static Line parse(int number, String[] fields, long defaultMtime) {
        String type = fields[0];
        return switch (type) {
            case "dir" -> {
                expectFields(fields, 5, "dir NAME MODE UID GID");
                yield new Line(number, entry(fields[1], CpioWriter.S_IFDIR, fields[2], fields[3], fields[4], 0,
                        defaultMtime, 0, 0), null, null);
            }
            case "file" -> {
                if (fields.length > 6) {
                    throw new IllegalArgumentException("hard links (names after GID) are not supported");
                }
                expectFields(fields, 6, "file NAME SOURCE MODE UID GID");
                Path source = Path.of(fields[2]);
                if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IllegalArgumentException("source " + source + " of " + fields[1]
                            + " is not a regular file");
                }
                long size;
                long mtime;
                try {
                    size = Files.size(source);
                    mtime = Files.getLastModifiedTime(source).toMillis() / 1000;
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read source " + source + ": " + e.getMessage(), e);
                }
                yield new Line(number, entry(fields[1], CpioWriter.S_IFREG, fields[3], fields[4], fields[5], size,
                        mtime, 0, 0), source, null);
            }
            case "slink" -> {
                expectFields(fields, 6, "slink NAME TARGET MODE UID GID");
                String target = fields[2];
                yield new Line(number, entry(fields[1], CpioWriter.S_IFLNK, fields[3], fields[4], fields[5],
                        target.getBytes(StandardCharsets.UTF_8).length, defaultMtime, 0, 0), null, target);
            }
            case "nod" -> {
                expectFields(fields, 8, "nod NAME MODE UID GID b|c MAJOR MINOR");
                int kind = switch (fields[5]) {
                    case "b" -> CpioWriter.S_IFBLK;
                    case "c" -> CpioWriter.S_IFCHR;
                    default -> throw new IllegalArgumentException("device type must be b or c, got '" + fields[5] + "'");
                };
                yield new Line(number, entry(fields[1], kind, fields[2], fields[3], fields[4], 0, defaultMtime,
                        decimal(fields[6], "major"), decimal(fields[7], "minor")), null, null);
            }
            case "pipe" -> {
                expectFields(fields, 5, "pipe NAME MODE UID GID");
                yield new Line(number, entry(fields[1], CpioWriter.S_IFIFO, fields[2], fields[3], fields[4], 0,
                        defaultMtime, 0, 0), null, null);
            }
            default -> throw new IllegalArgumentException("unknown entry type '" + type
                    + "'; expected dir, file, slink, nod or pipe");
        };
    }

    private static CpioWriter.Entry entry(String name, int type, String mode, String uid, String gid, long size,
            long mtime, int major, int minor) {
        CpioWriter.archiveName(name);
        return new CpioWriter.Entry(name, type | permissions(mode), decimal(uid, "uid"), decimal(gid, "gid"), size,
                mtime, major, minor);
    }

    private static void expectFields(String[] fields, int count, String format) {
        if (fields.length != count) {
            throw new IllegalArgumentException("expected " + count + " fields, " + format + ", got " + fields.length);
        }
    }

    private static int permissions(String text) {
        if (!text.matches("[0-7]{1,4}")) {
            throw new IllegalArgumentException("invalid mode '" + text + "': expected octal permission bits such as 0755");
        }
        return Integer.parseInt(text, 8);
    }

    private static int decimal(String text, String field) {
        if (!text.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("invalid " + field + " '" + text + "': expected a number");
        }
        return Integer.parseInt(text);
    }
}
