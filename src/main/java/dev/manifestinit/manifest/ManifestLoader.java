package dev.manifestinit.manifest;

import dev.manifestinit.validation.Finding;
import dev.manifestinit.validation.Severity;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

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
     * Loads {@code file}, naming it {@code displayName} in findings. The manifest in the result is
     * null when the YAML could not be parsed into a mapping.
     */
    public LoadedManifest load(Path file, String displayName) throws UnreadableManifestException {
        return parse(read(file, displayName), displayName);
    }

    /** Reads the bytes of {@code file}, rejecting a directory and a file over {@link #MAX_BYTES}. */
    public byte[] read(Path file, String displayName) throws UnreadableManifestException {
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

    /** Parses manifest text already in memory; {@code displayName} names it in findings. */
    public LoadedManifest parse(byte[] bytes, String displayName) {
        SourceMap positions = new SourceMap(displayName);
        List<Finding> findings = new ArrayList<>();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            findings.add(new Finding(Severity.ERROR, displayName, 1, 1, "$", "the file is not valid UTF-8"));
            return new LoadedManifest(displayName, null, positions, findings);
        }
        if (text.startsWith("\uFEFF")) {
            findings.add(new Finding(Severity.ERROR, displayName, 1, 1, "$",
                    "the file starts with a byte order mark (BOM); save it as UTF-8 without a BOM"));
            return new LoadedManifest(displayName, null, positions, findings);
        }
        if (text.isBlank()) {
            findings.add(new Finding(Severity.ERROR, displayName, 1, 1, "$",
                    "the manifest is empty; it must be a mapping with version, disk, root and init"));
            return new LoadedManifest(displayName, null, positions, findings);
        }
        if (reportTabIndentation(text, displayName, findings)) {
            return new LoadedManifest(displayName, null, positions, findings);
        }

        Node root;
        try {
            List<Node> documents = new ArrayList<>();
            Composer composer = composer(text);
            while (composer.checkNode()) {
                documents.add(composer.getNode());
            }
            if (documents.size() != 1) {
                Mark mark = documents.size() > 1 ? documents.get(1).getStartMark() : null;
                findings.add(at(displayName, mark, "$", "the file holds " + documents.size()
                        + " YAML documents; a manifest is exactly one"));
                return new LoadedManifest(displayName, null, positions, findings);
            }
            root = documents.get(0);
        } catch (MarkedYAMLException e) {
            findings.add(at(displayName, e.getProblemMark(), "$", "YAML syntax error: " + syntaxProblem(e)));
            return new LoadedManifest(displayName, null, positions, findings);
        } catch (YAMLException e) {
            findings.add(new Finding(Severity.ERROR, displayName, 1, 1, "$", "YAML error: " + e.getMessage()));
            return new LoadedManifest(displayName, null, positions, findings);
        }

        if (!(root instanceof MappingNode)) {
            findings.add(at(displayName, root.getStartMark(), "$",
                    "the manifest must be a mapping of keys such as version and disk, not a "
                            + NodeBinder.describeNode(root)));
            return new LoadedManifest(displayName, null, positions, findings);
        }
        NodeBinder binder = new NodeBinder(displayName, positions, findings);
        Manifest manifest = (Manifest) binder.bind(root, Manifest.class, "$");
        return new LoadedManifest(displayName, manifest, positions, findings, binder.failedPaths());
    }

    /**
     * Returns a composer, which builds only the node graph: no object of any class, and no global
     * tag, is ever constructed from the document. It is made directly rather than through
     * {@code Yaml}, whose constructor also sets up object construction and dumping that the
     * loader never uses, at a cost of tens of milliseconds at boot.
     */
    private static Composer composer(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setCodePointLimit(MAX_BYTES);
        options.setNestingDepthLimit(20);
        return new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options), new Resolver(), options);
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

    private static Finding at(String file, Mark mark, String path, String message) {
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
