package dev.manifestinit.validation;

/**
 * One problem in a manifest: where it was written and which rule it breaks.
 *
 * @param file the manifest file as the user named it
 * @param line 1-based line, or 0 when the problem has no position (an unreadable file)
 * @param column 1-based column, or 0 with line 0
 * @param path the manifest path, such as {@code $.overlays[0].work}
 * @param message the rule that is broken, stated for the maintainer
 */
public record Finding(Severity severity, String file, int line, int column, String path, String message)
        implements Comparable<Finding> {

    /** Formats the finding as {@code FILE:LINE:COL: error at $.path: message}. */
    public String format() {
        return file + ":" + line + ":" + column + ": " + severity + " at " + path + ": " + message;
    }

    @Override
    public int compareTo(Finding other) {
        int byFile = file.compareTo(other.file);
        if (byFile != 0) {
            return byFile;
        }
        int byLine = Integer.compare(line, other.line);
        return byLine != 0 ? byLine : Integer.compare(column, other.column);
    }

    @Override
    public String toString() {
        return format();
    }
}
