package dev.manifestinit.cli;

import dev.manifestinit.boot.KernelCommandLine;
import dev.manifestinit.exec.Boot;
import dev.manifestinit.exec.BootLog;
import dev.manifestinit.exec.CharacterDeviceGpioLines;
import dev.manifestinit.exec.PhaseClock;
import dev.manifestinit.exec.ProcessToolRunner;
import dev.manifestinit.exec.SysfsPartitionLocator;
import dev.manifestinit.manifest.ManifestLoader;
import dev.manifestinit.os.LinuxKernel;
import dev.manifestinit.plan.Plan;
import dev.manifestinit.plan.PlanException;
import dev.manifestinit.plan.Planner;
import dev.manifestinit.steps.StepContext;
import dev.manifestinit.validation.Finding;
import dev.manifestinit.validation.ManifestValidator;
import dev.manifestinit.validation.Report;
import dev.manifestinit.validation.RootfsChecks;
import dev.manifestinit.validation.Severity;
import dev.manifestinit.validation.ValidationRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line: {@code --validate}, {@code --plan} and the boot itself. */
public final class Main {
    static final int OK = 0;
    static final int INVALID = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            Usage:
              manifest-init --validate [--strict] [--format text|json] [--rootfs DIR]
                            [--record RECORD] FILE...
              manifest-init --flatten [--strict] FILE
              manifest-init --plan --manifest FILE [--cmdline STRING]
              manifest-init --manifest FILE [--cmdline STRING]

            Options:
              --validate FILE...  check manifests and print each problem as
                                  FILE:LINE:COL: error|warning at $.path: message;
                                  exit 0 when all are valid, 1 when any has an error
              --strict            with --validate or --flatten, fail on warnings too
              --format text|json  the --validate output: one line per problem (default),
                                  or one JSON object with the same problems
              --rootfs DIR        with --validate, also check the manifests against the
                                  root filesystem built in DIR: the target init, the
                                  mount points and the overlay lower directories
              --record RECORD     with --validate: when all are valid, write RECORD, the
                                  digests of the manifests; shipped beside the manifest as
                                  MANIFEST.validated, it lets the boot skip the constraint
                                  checks that --validate already made
              --flatten FILE      validate FILE and print it with every base manifest it
                                  extends merged in, as one file for the initramfs
              --plan              print the numbered boot steps with every value resolved;
                                  changes nothing on the system
              --manifest FILE     the manifest to plan or, without --plan, to boot from as PID 1
              --cmdline STRING    kernel command line to use instead of /proc/cmdline
              --debug             print stack traces of errors
              --help              print this help
              --version           print the version

            Exit status: 0 success, 1 invalid manifest or failed boot, 2 usage error or
            unreadable file.
            """;

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PhaseClock.mark("main");
        int status = new Main(System.out, System.err).run(args);
        System.out.flush();
        System.exit(status);
    }

    int run(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("manifest-init: " + e.getMessage());
            err.println("Try 'manifest-init --help' for the options.");
            return USAGE;
        }
        try {
            return switch (options.command()) {
                case HELP -> {
                    out.print(USAGE_TEXT);
                    yield OK;
                }
                case VERSION -> {
                    out.println("manifest-init " + version());
                    yield OK;
                }
                case VALIDATE -> validate(options);
                case FLATTEN -> flatten(options);
                case PLAN -> plan(options.manifest(), options.commandLine());
                case BOOT -> boot(options);
            };
        } catch (RuntimeException e) {
            // A bug, not a user error: report it as internal, with the stack trace only under --debug.
            err.println("manifest-init: internal error: " + e);
            if (options.debug()) {
                e.printStackTrace(err);
            } else {
                err.println("Run again with --debug for the stack trace, and report it.");
            }
            return INVALID;
        }
    }

    private int validate(Options options) {
        Path rootfs = null;
        if (options.rootfs() != null) {
            rootfs = Path.of(options.rootfs());
            if (!Files.isDirectory(rootfs)) {
                err.println("manifest-init: --rootfs " + options.rootfs() + " is not a directory");
                return USAGE;
            }
        }
        boolean json = options.format() == Format.JSON;
        JsonReport jsonReport = new JsonReport();
        ManifestLoader loader = new ManifestLoader();
        ManifestValidator validator = new ManifestValidator();
        boolean invalid = false;
        boolean unreadable = false;
        List<byte[]> validated = new ArrayList<>();
        for (String file : options.files()) {
            Report report;
            try {
                byte[] bytes = ManifestLoader.read(Path.of(file), file);
                validated.add(bytes);
                report = validator.validate(loader.parse(bytes, file));
            } catch (ManifestLoader.UnreadableManifestException e) {
                err.println("manifest-init: " + e.getMessage());
                jsonReport.addUnreadable(file, e.getMessage());
                unreadable = true;
                continue;
            }
            if (rootfs != null) {
                report = report.with(RootfsChecks.check(report.loaded(), rootfs));
            }
            for (Finding finding : report.findings()) {
                if (json) {
                    jsonReport.addFinding(finding);
                } else {
                    out.println(finding.format());
                }
            }
            boolean fails = report.fails(options.strict());
            jsonReport.addFile(file, fails, count(report, Severity.ERROR), count(report, Severity.WARNING),
                    report.loaded().sources());
            invalid |= fails;
        }
        if (json) {
            out.print(jsonReport.format(!invalid && !unreadable, options.strict()));
        }
        if (unreadable) {
            return USAGE;
        }
        if (invalid) {
            return INVALID;
        }
        if (options.record() != null) {
            try {
                ValidationRecord.write(Path.of(options.record()), validated);
            } catch (IOException e) {
                err.println("manifest-init: cannot write the validation record " + options.record() + ": "
                        + e.getMessage());
                return USAGE;
            }
        }
        return OK;
    }

    private static long count(Report report, Severity severity) {
        return report.findings().stream().filter(finding -> finding.severity() == severity).count();
    }

    private int flatten(Options options) {
        String file = options.files().get(0);
        Report report;
        try {
            report = new ManifestValidator().validate(Path.of(file), file);
        } catch (ManifestLoader.UnreadableManifestException e) {
            err.println("manifest-init: " + e.getMessage());
            return USAGE;
        }
        for (Finding finding : report.findings()) {
            err.println(finding.format());
        }
        if (report.fails(options.strict())) {
            err.println("manifest-init: " + file + " is invalid; nothing was written");
            return INVALID;
        }
        // Names relative to the manifest's directory: a build host's paths do not belong in an image.
        List<String> sources = report.loaded().sources();
        Path directory = Path.of(file).toAbsolutePath().normalize().getParent();
        List<String> bases = new ArrayList<>();
        for (String base : sources.subList(1, sources.size())) {
            bases.add(directory.relativize(Path.of(base).toAbsolutePath().normalize()).toString());
        }
        out.println("# " + Path.of(file).getFileName() + (bases.isEmpty() ? "" : " with " + String.join(", ", bases))
                + ", flattened by manifest-init --flatten.");
        out.println("# Edit those files, not this one.");
        out.print(ManifestLoader.write(report.loaded().document()));
        return OK;
    }

    private int plan(String manifestFile, String commandLine) {
        Report report;
        try {
            report = new ManifestValidator().validate(Path.of(manifestFile), manifestFile);
        } catch (ManifestLoader.UnreadableManifestException e) {
            err.println("manifest-init: " + e.getMessage());
            return USAGE;
        }
        for (Finding finding : report.findings()) {
            err.println(finding.format());
        }
        if (report.hasErrors()) {
            return INVALID;
        }
        try {
            KernelCommandLine parsed = KernelCommandLine.parse(commandLine == null ? "" : commandLine);
            Plan plan = new Planner().plan(report.loaded().manifest(), parsed);
            out.print(plan.format());
            return OK;
        } catch (PlanException e) {
            err.println("manifest-init: " + e.getMessage());
            return INVALID;
        }
    }

    private int boot(Options options) {
        LinuxKernel kernel = new LinuxKernel();
        BootLog log = new BootLog(err, true);
        StepContext context = new StepContext(kernel, new SysfsPartitionLocator(), new ProcessToolRunner(),
                new CharacterDeviceGpioLines(Path.of("/dev")), log::info);
        return new Boot(kernel, context, log, options.debug()).run(Path.of(options.manifest()), options.commandLine());
    }

    private static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }

    /** The output of --validate. */
    enum Format { TEXT, JSON }

    /** The parsed command line. */
    record Options(Command command, List<String> files, String manifest, String commandLine, boolean debug,
            boolean strict, Format format, String rootfs, String record) {
        enum Command { HELP, VERSION, VALIDATE, FLATTEN, PLAN, BOOT }

        Options(Command command, List<String> files, String manifest, String commandLine, boolean debug) {
            this(command, files, manifest, commandLine, debug, false, Format.TEXT, null, null);
        }

        static Options parse(String[] args) {
            boolean validate = false;
            boolean flatten = false;
            boolean plan = false;
            boolean help = false;
            boolean version = false;
            boolean debug = false;
            boolean strict = false;
            Format format = null;
            String rootfs = null;
            String record = null;
            String manifest = null;
            String commandLine = null;
            List<String> files = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--validate" -> validate = true;
                    case "--flatten" -> flatten = true;
                    case "--plan" -> plan = true;
                    case "--help", "-h" -> help = true;
                    case "--version" -> version = true;
                    case "--debug" -> debug = true;
                    case "--strict" -> strict = true;
                    case "--format" -> format = format(value(args, ++i, arg));
                    case "--rootfs" -> rootfs = value(args, ++i, arg);
                    case "--record" -> record = value(args, ++i, arg);
                    case "--manifest" -> manifest = value(args, ++i, arg);
                    case "--cmdline" -> commandLine = value(args, ++i, arg);
                    default -> {
                        if (arg.startsWith("-") && !arg.equals("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        if (!validate && !flatten) {
                            throw new IllegalArgumentException("unexpected argument " + arg
                                    + "; only --validate and --flatten take files");
                        }
                        files.add(arg);
                    }
                }
            }
            if (help) {
                return new Options(Command.HELP, files, manifest, commandLine, debug);
            }
            if (version) {
                return new Options(Command.VERSION, files, manifest, commandLine, debug);
            }
            if (validate && flatten) {
                throw new IllegalArgumentException("--validate and --flatten cannot be combined");
            }
            if ((validate || flatten) && (plan || manifest != null || commandLine != null)) {
                throw new IllegalArgumentException((validate ? "--validate" : "--flatten")
                        + " cannot be combined with --plan, --manifest or --cmdline");
            }
            if (!validate && (format != null || rootfs != null)) {
                throw new IllegalArgumentException((format != null ? "--format" : "--rootfs") + " needs --validate");
            }
            if (!validate && record != null) {
                throw new IllegalArgumentException("--record needs --validate");
            }
            if (!validate && !flatten && strict) {
                throw new IllegalArgumentException("--strict needs --validate or --flatten");
            }
            if (validate) {
                if (files.isEmpty()) {
                    throw new IllegalArgumentException("--validate needs at least one manifest file");
                }
                return new Options(Command.VALIDATE, files, null, null, debug, strict,
                        format == null ? Format.TEXT : format, rootfs, record);
            }
            if (flatten) {
                if (files.size() != 1) {
                    throw new IllegalArgumentException("--flatten takes exactly one manifest file");
                }
                return new Options(Command.FLATTEN, files, null, null, debug, strict, Format.TEXT, null, null);
            }
            if (manifest == null) {
                throw new IllegalArgumentException(plan ? "--plan needs --manifest FILE"
                        : "nothing to do; give --validate FILE..., --plan --manifest FILE or --manifest FILE");
            }
            return new Options(plan ? Command.PLAN : Command.BOOT, files, manifest, commandLine, debug);
        }

        private static Format format(String text) {
            return switch (text) {
                case "text" -> Format.TEXT;
                case "json" -> Format.JSON;
                default -> throw new IllegalArgumentException("--format must be text or json, not " + text);
            };
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }
    }
}
