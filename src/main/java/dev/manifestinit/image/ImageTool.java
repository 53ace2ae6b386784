package dev.manifestinit.image;

import dev.manifestinit.manifest.ManifestLoader;
import dev.manifestinit.validation.Finding;
import dev.manifestinit.validation.ManifestValidator;
import dev.manifestinit.validation.Report;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The image build's commands, run on the build machine and never in the initramfs:
 * {@code modules} checks a manifest's kernel modules against a kernel and names their files, and
 * {@code cpio} writes the initramfs archive. src/qemu/build-initramfs calls both.
 */
public final class ImageTool {
    static final int OK = 0;
    static final int INVALID = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            Usage:
              ImageTool modules --manifest FILE --kernel-modules DIR
              ImageTool cpio --list FILE --output FILE [--mtime SECONDS]

            modules  validates the manifest FILE and checks its kernelModules against the module
                     directory DIR of the kernel the image ships, such as /lib/modules/6.1.0-57-cloud-amd64:
                     each module exists there and is loadable, and the list names every dependency
                     (modules.dep) and pre: soft dependency before the module that needs it. Prints
                     one line per module, "SOURCE TARGET": its file in DIR, which may be compressed,
                     and its path in the initramfs. Problems go to stderr as FILE:LINE:COL lines.
            cpio     writes a newc cpio archive (uncompressed) from a list in the format of the
                     kernel's usr/gen_init_cpio: dir, file, slink, nod and pipe lines. Entries other
                     than files get the modification time SECONDS (default: $SOURCE_DATE_EPOCH, or 0).

            Exit status: 0 success, 1 invalid manifest, modules or list, 2 usage error or unreadable file.
            """;

    private final PrintStream out;
    private final PrintStream err;

    ImageTool(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int status = new ImageTool(System.out, System.err).run(args);
        System.out.flush();
        System.exit(status);
    }

    int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(USAGE_TEXT);
            return args.length == 0 ? USAGE : OK;
        }
        Map<String, String> options;
        try {
            options = options(args);
        } catch (IllegalArgumentException e) {
            return usageError(e.getMessage());
        }
        return switch (args[0]) {
            case "modules" -> modules(options);
            case "cpio" -> cpio(options);
            default -> usageError("unknown command " + args[0] + "; expected modules or cpio");
        };
    }

    private int modules(Map<String, String> options) {
        String manifest = options.get("--manifest");
        String directory = options.get("--kernel-modules");
        if (manifest == null || directory == null || options.size() != 2) {
            return usageError("modules takes --manifest FILE and --kernel-modules DIR");
        }

        Report report;
        ModuleDirectory modules;
        try {
            report = new ManifestValidator().validate(Path.of(manifest), manifest);
            modules = ModuleDirectory.read(Path.of(directory));
        } catch (ManifestLoader.UnreadableManifestException e) {
            err.println("image-tool: " + e.getMessage());
            return USAGE;
        } catch (IOException e) {
            err.println("image-tool: cannot read the kernel module directory " + directory + ": " + describe(e));
            return USAGE;
        }

        printFindings(report.findings());
        if (report.hasErrors()) {
            return INVALID;
        }

        ModuleCheck.Result result = new ModuleCheck(report.loaded(), modules).check();
        printFindings(result.findings());
        if (result.hasErrors()) {
            return INVALID;
        }

        for (ModuleCheck.ModuleFile file : result.files()) {
            out.println(file.source() + " " + file.module().path());
        }
        return OK;
    }

    private int cpio(Map<String, String> options) {
        String list = options.get("--list");
        String output = options.get("--output");
        if (list == null || output == null || options.size() != (options.containsKey("--mtime") ? 3 : 2)) {
            return usageError("cpio takes --list FILE, --output FILE and optionally --mtime SECONDS");
        }
        long mtime;
        try {
            mtime = Long.parseLong(options.getOrDefault("--mtime", System.getenv().getOrDefault("SOURCE_DATE_EPOCH", "0")));
        } catch (NumberFormatException e) {
            return usageError("--mtime and SOURCE_DATE_EPOCH must be whole seconds since 1970");
        }

        InitramfsList entries;
        try {
            entries = InitramfsList.read(Path.of(list), mtime);
        } catch (InitramfsList.InvalidListException e) {
            e.problems().forEach(err::println);
            return INVALID;
        } catch (IOException e) {
            err.println("image-tool: cannot read the list " + list + ": " + describe(e));
            return USAGE;
        }

        Path target = Path.of(output);
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try (CpioWriter writer = new CpioWriter(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20))) {
            entries.writeTo(writer);
        } catch (IOException e) {
            err.println("image-tool: cannot write " + output + ": " + describe(e));
            deleteQuietly(partial);
            return INVALID;
        }

        try {
            Files.move(partial, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            err.println("image-tool: cannot rename " + partial + " to " + output + ": " + describe(e));
            return INVALID;
        }
        return OK;
    }

    private void printFindings(List<Finding> findings) {
        for (Finding finding : findings) {
            err.println(finding.format());
        }
    }

    private int usageError(String message) {
        err.println("image-tool: " + message);
        err.println("Run with --help for the commands.");
        return USAGE;
    }

    /** Parses {@code --option value} pairs after the command. */
    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            String option = args[i];
            if (!option.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + option);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            if (options.put(option, args[i + 1]) != null) {
                throw new IllegalArgumentException(option + " is given twice");
            }
        }
        return options;
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // The partial file is only left behind; the error that matters was printed.
        }
    }
}
