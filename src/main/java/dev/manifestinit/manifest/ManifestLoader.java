package dev.manifestinit.manifest;

import dev.manifestinit.validation.Finding;
import dev.manifestinit.validation.Severity;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a manifest file into a {@link Manifest}: the YAML parse and the conversion of every value
 * to its type. Problems found on the way become findings; constraints and cross-field rules are
 * checked later by the validator.
 */
public final class ManifestLoader {
    /** Manifests are a few kilobytes; anything this large is a wrong file, not a manifest. */
    public static final int MAX_BYTES = 256 * 1024;
    /** A manifest needs few or no aliases; the limit stops an alias bomb before it expands. */
    private static final int MAX_ALIASES = 20;

    /** Thrown when the file cannot be read at all; the command line turns it into exit status 2. */
    public static final class UnreadableManifestException extends IOException {
        public UnreadableManifestException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Loads {@code file}, naming it {@code displayName} in findings, with every base manifest it
     * extends. The manifest in the result is null when the YAML of the file or of a base could not
     * be parsed into a mapping.
     */
    public LoadedManifest load(Path file, String displayName) throws UnreadableManifestException {
        return parse(read(file, displayName), displayName, file);
    }

    /**
     * Parses manifest text already in memory; {@code displayName} names it in findings, and a base
     * it extends is looked up relative to {@code displayName}.
     */
    public LoadedManifest parse(byte[] bytes, String displayName) {
        return parse(bytes, displayName, Path.of(displayName));
    }

    private LoadedManifest parse(byte[] bytes, String displayName, Path location) {
        SourceMap positions = new SourceMap(displayName);
        List<Finding> findings = new ArrayList<>();
        MappingNode document = compose(bytes, displayName, findings);
        if (document == null) {
            return new LoadedManifest(displayName, null, positions, findings);
        }
        BaseManifests bases = new BaseManifests(findings);
        bases.recordOrigin(document, displayName);
        MappingNode merged = bases.resolve(document, displayName, location);
        if (merged == null) {
            return new LoadedManifest(displayName, null, positions, findings);
        }
        NodeBinder binder = new NodeBinder(displayName, positions, findings, bases.origins());
        Manifest manifest = (Manifest) binder.bind(merged, Manifest.class, "$");
        return new LoadedManifest(displayName, manifest, positions, findings, binder.failedPaths(), merged,
                bases.sources());
    }

    /** Reads a manifest file whole, refusing directories and files over {@link #MAX_BYTES}. */
    static byte[] read(Path file, String displayName) throws UnreadableManifestException {
        try {
            if (Files.isDirectory(file)) {
                throw new UnreadableManifestException(displayName + ": is a directory, not a manifest file", null);
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new UnreadableManifestException(displayName + ": " + Files.size(file)
                        + " bytes is over the manifest size limit of " + MAX_BYTES + " bytes", null);
            }
            return Files.readAllBytes(file);
        } catch (UnreadableManifestException e) {
            throw e;
        } catch (IOException e) {
            throw new UnreadableManifestException(displayName + ": cannot read: " + describe(e), e);
        }
    }

    /**
     * Decodes and composes one manifest file into its top-level mapping node, or returns null
     * after adding a finding: invalid UTF-8, a BOM, an empty file, tab indentation, a syntax error,
     * other than one document, or a document that is not a mapping.
     */
    static MappingNode compose(byte[] bytes, String displayName, List<Finding> findings) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            findings.add(new Finding(Severity.ERROR, displayName, 1, 1, "$", "the file is not valid UTF-8"));
            return null;
        }
        if (text.startsWith("\uFEFF")) {
            findings.add(new Finding(Severity.ERROR, displayName, 1, 1, "$",
                    "the file starts with a byte order mark (BOM); save it as UTF-8 without a BOM"));
            return null;
        }
        if (text.isBlank()) {
            findings.add(new Finding(Severity.ERROR, displayName, 1, 1, "$",
                    "the manifest is empty; it must be a mapping with version, disk, root and init"));
            return null;
        }
        if (reportTabIndentation(text, displayName, findings)) {
            return null;
        }

        Node root;
        try {
            List<Node> documents = new ArrayList<>();
            for (Node document : yaml().composeAll(new StringReader(text))) {
                documents.add(document);
            }
            if (documents.size() != 1) {
                Mark mark = documents.size() > 1 ? documents.get(1).getStartMark() : null;
                findings.add(at(displayName, mark, "$", "the file holds " + documents.size()
                        + " YAML documents; a manifest is exactly one"));
                return null;
            }
            root = documents.get(0);
        } catch (MarkedYAMLException e) {
            findings.add(at(displayName, e.getProblemMark(), "$", "YAML syntax error: " + syntaxProblem(e)));
            return null;
        } catch (YAMLException e) {
            findings.add(new Finding(Severity.ERROR, displayName, 1, 1, "$", "YAML error: " + e.getMessage()));
            return null;
        }

        if (!(root instanceof MappingNode mapping)) {
            findings.add(at(displayName, root.getStartMark(), "$",
                    "the manifest must be a mapping of keys such as version and disk, not a "
                            + NodeBinder.describeNode(root)));
            return null;
        }
        return mapping;
    }

    /**
     * Writes a loaded manifest's document, with its bases merged in, as one YAML document that
     * needs no other file. Aliases are written out in full; comments are not kept.
     */
    public static String write(MappingNode document) {
        DumperOptions options = new DumperOptions();
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(200);
        options.setSplitLines(false);
        options.setAllowUnicode(true);
        options.setDereferenceAliases(true);
        StringWriter text = new StringWriter();
        new Yaml(options).serialize(document, text);
        return text.toString();
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setCodePointLimit(MAX_BYTES);
        options.setNestingDepthLimit(20);
        // Only the node graph is built (compose): no object of any class, and no global tag, is
        // ever constructed from the document.
        return new Yaml(new SafeConstructor(options));
    }

    /** YAML forbids tabs in indentation; SnakeYAML's own message for them is hard to read. */
    private static boolean reportTabIndentation(String text, String file, List<Finding> findings) {
        String[] lines = text.split("\n", -1);
        boolean found = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            for (int column = 0; column < line.length(); column++) {
                char c = line.charAt(column);
                if (c == '\t') {
                    findings.add(new Finding(Severity.ERROR, file, i + 1, column + 1, "$",
                            "tab character in indentation; YAML indents with spaces only"));
                    found = true;
                    break;
                }
                if (c != ' ') {
                    break;
                }
            }
        }
        return found;
    }

    private static String syntaxProblem(MarkedYAMLException e) {
        String problem = e.getProblem() == null ? "" : e.getProblem();
        String context = e.getContext();
        if (context != null && !context.isBlank()) {
            return problem + " (" + context.trim() + ")";
        }
        return problem;
    }

    static Finding at(String file, Mark mark, String path, String message) {
        int line = mark == null ? 1 : mark.getLine() + 1;
        int column = mark == null ? 1 : mark.getColumn() + 1;
        return new Finding(Severity.ERROR, file, line, column, path, message);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName().replace("Exception", "");
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return message == null ? kind : message;
    }
}
