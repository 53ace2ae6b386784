package dev.manifestinit.manifest;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each manifest path was written, so findings about values can name a file, line and column.
 * The file is the manifest itself or the base manifest that set the value.
 */
public final class SourceMap {
    /**
     * A 1-based position in a file.
     *
     * @param file the file as the user named it
     */
    public record Position(String file, int line, int column) {
    }

    private final String file;
    private final Map<String, Position> positions = new HashMap<>();

    public SourceMap(String file) {
        this.file = file;
    }

    public String file() {
        return file;
    }

    /** Records that {@code path} was written in {@code writtenIn}, which is a base file or this one. */
    void put(String path, String writtenIn, int zeroBasedLine, int zeroBasedColumn) {
        positions.put(path, new Position(writtenIn, zeroBasedLine + 1, zeroBasedColumn + 1));
    }

    /**
     * The position of {@code path}, or of its nearest written parent when the path itself was not
     * written (a missing key is reported where its parent mapping starts).
     */
    public Position find(String path) {
        String current = path;
        while (true) {
            Position position = positions.get(current);
            if (position != null) {
                return position;
            }
            int cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
            if (cut <= 0) {
                return positions.getOrDefault("$", new Position(file, 1, 1));
            }
            current = current.substring(0, cut);
        }
    }
}
