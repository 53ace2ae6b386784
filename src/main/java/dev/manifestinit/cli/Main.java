package dev.manifestinit.cli;

import dev.manifestinit.boot.KernelCommandLine;
import dev.manifestinit.exec.Boot;
import dev.manifestinit.exec.BootLog;
import dev.manifestinit.exec.CharacterDeviceGpioLines;
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
import java.io.PrintStream;
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
              manifest-init --validate FILE...
              manifest-init --plan --manifest FILE [--cmdline STRING]
              manifest-init --manifest FILE [--cmdline STRING]

            Options:
              --validate FILE...  check manifests and print each problem as FILE:LINE:COL;
                                  exit 0 when all are valid, 1 when any is invalid
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
                case VALIDATE -> validate(options.files());
                case PLAN -> plan(options.manifest(), options.commandLine());
                case BOOT -> boot(options);
            };
        } catch (RuntimeException e) {
            // A bug, not a user error: say so plainly, and show the trace only with --debug.
            err.println("manifest-init: internal error: " + e);
            if (options.debug()) {
                e.printStackTrace(err);
            } else {
                err.println("Run again with --debug for the stack trace, and report it.");
            }
            return INVALID;
        }
    }

    private int validate(List<String> files) {
        ManifestValidator validator = new ManifestValidator();
        boolean invalid = false;
        boolean unreadable = false;
        for (String file : files) {
            Report report;
            try {
                report = validator.validate(Path.of(file), file);
            } catch (ManifestLoader.UnreadableManifestException e) {
                err.println("manifest-init: " + e.getMessage());
                unreadable = true;
                continue;
            }
            for (Finding finding : report.findings()) {
                out.println(finding.format());
            }
            invalid |= report.hasErrors();
        }
        return unreadable ? USAGE : invalid ? INVALID : OK;
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
        StepContext context = new StepContext(kernel, new SysfsPartitionLocator(), new ProcessToolRunner(),
                new CharacterDeviceGpioLines(Path.of("/dev")));
        BootLog log = new BootLog(err, true);
        return new Boot(kernel, context, log, options.debug()).run(Path.of(options.manifest()), options.commandLine());
    }

    private static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }

    /** The parsed command line. */
    record Options(Command command, List<String> files, String manifest, String commandLine, boolean debug) {
        enum Command { HELP, VERSION, VALIDATE, PLAN, BOOT }

        static Options parse(String[] args) {
            boolean validate = false;
            boolean plan = false;
            boolean help = false;
            boolean version = false;
            boolean debug = false;
            String manifest = null;
            String commandLine = null;
            List<String> files = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--validate" -> validate = true;
                    case "--plan" -> plan = true;
                    case "--help", "-h" -> help = true;
                    case "--version" -> version = true;
                    case "--debug" -> debug = true;
                    case "--manifest" -> manifest = value(args, ++i, arg);
                    case "--cmdline" -> commandLine = value(args, ++i, arg);
                    default -> {
                        if (arg.startsWith("-") && !arg.equals("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        if (!validate) {
                            throw new IllegalArgumentException("unexpected argument " + arg
                                    + "; only --validate takes files");
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
            if (validate) {
                if (plan || manifest != null || commandLine != null) {
                    throw new IllegalArgumentException("--validate cannot be combined with --plan, --manifest or --cmdline");
                }
                if (files.isEmpty()) {
                    throw new IllegalArgumentException("--validate needs at least one manifest file");
                }
                return new Options(Command.VALIDATE, files, null, null, debug);
            }
            if (manifest == null) {
                throw new IllegalArgumentException(plan ? "--plan needs --manifest FILE"
                        : "nothing to do; give --validate FILE..., --plan --manifest FILE or --manifest FILE");
            }
            return new Options(plan ? Command.PLAN : Command.BOOT, files, manifest, commandLine, debug);
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }
    }
}
