package dev.manifestinit.cli;

import dev.manifestinit.validation.Finding;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --validate --format json} output: the same findings as the text output, in one JSON
 * object for tools.
 *
 * <pre>
 * {"valid": false, "strict": false,
 *  "files": [{"file": "a.yaml", "status": "invalid", "errors": 1, "warnings": 0,
 *             "sources": ["a.yaml", "common/base.yaml"]},
 *            {"file": "b.yaml", "status": "unreadable", "message": "b.yaml: cannot read: no such file"}],
 *  "findings": [{"severity": "error", "file": "a.yaml", "line": 3, "column": 9,
 *                "path": "$.disk.wait", "message": "..."}]}
 * </pre>
 * A file's status is valid, invalid (it fails validation, with {@code --strict} also on a
 * warning) or unreadable. Findings come in the text output's order.
 */
final class JsonReport {
    private final List<String> files = new ArrayList<>();
    private final List<String> findings = new ArrayList<>();

    void addFile(String file, boolean fails, long errors, long warnings, List<String> sources) {
        List<String> quotedSources = sources.stream().map(JsonReport::quote).toList();
        files.add("{\"file\": " + quote(file) + ", \"status\": " + quote(fails ? "invalid" : "valid")
                + ", \"errors\": " + errors + ", \"warnings\": " + warnings
                + ", \"sources\": [" + String.join(", ", quotedSources) + "]}");
    }

    void addUnreadable(String file, String message) {
        files.add("{\"file\": " + quote(file) + ", \"status\": \"unreadable\", \"message\": " + quote(message) + "}");
    }

    void addFinding(Finding finding) {
        findings.add("{\"severity\": " + quote(finding.severity().toString())
                + ", \"file\": " + quote(finding.file())
                + ", \"line\": " + finding.line()
                + ", \"column\": " + finding.column()
                + ", \"path\": " + quote(finding.path())
                + ", \"message\": " + quote(finding.message()) + "}");
    }

    String format(boolean valid, boolean strict) {
        return "{\"valid\": " + valid + ", \"strict\": " + strict + ",\n"
                + " \"files\": [" + joinLines(files) + "],\n"
                + " \"findings\": [" + joinLines(findings) + "]}\n";
    }

    private static String joinLines(List<String> items) {
        return items.isEmpty() ? "" : "\n  " + String.join(",\n  ", items) + "\n ";
    }

    /**
     * Returns {@code text} as a JSON string (RFC 8259, section 7): quote, backslash and control
     * characters escaped, and a UTF-16 surrogate without its partner written as a \\u escape so
     * that the output stays valid UTF-8.
     */
    static String quote(String text) {
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1));
                    if (pairedHigh) {
                        json.append(c).append(text.charAt(++i));
                    } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}
