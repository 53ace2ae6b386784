package dev.manifestinit.exec;

import dev.manifestinit.manifest.LoadedManifest;
import dev.manifestinit.manifest.ManifestLoader;
import dev.manifestinit.validation.Finding;
import dev.manifestinit.validation.ManifestValidator;
import dev.manifestinit.validation.Report;
import dev.manifestinit.validation.Severity;
import dev.manifestinit.validation.ValidationRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Loads and validates the boot's manifest on a thread of its own. The bean constraints are
 * skipped only when the validation record beside the manifest contains the checksum of these exact
 * bytes, written by this same build; otherwise the manifest is validated in full, as
 * {@code --validate} does.
 *
 * <p>The check changes nothing on the system, so the boot runs it while its own thread loads the
 * native layer. Each of the two takes a good part of the boot, and a BMC has two cores.
 */
final class ManifestCheck {
    /**
     * The outcome of the check.
     *
     * @param recordMessage the log line that reports whether the validation record was used
     */
    record Result(Report report, String recordMessage) {
    }

    private final FutureTask<Result> task;

    private ManifestCheck(Path manifestFile) {
        task = new FutureTask<>(() -> check(manifestFile));
    }

    /** Starts checking {@code manifestFile} on a new thread. */
    static ManifestCheck start(Path manifestFile) {
        ManifestCheck check = new ManifestCheck(manifestFile);
        Thread thread = new Thread(check.task, "manifest-check");
        // A boot that stops before it needs the result, such as one outside PID 1, must be able
        // to exit while the check still runs.
        thread.setDaemon(true);
        thread.start();
        return check;
    }

    /** Returns whether the check has ended, so that {@link #result} returns at once. */
    boolean isDone() {
        return task.isDone();
    }

    /** Waits for the check and returns its result, or throws what the check threw. */
    Result result() throws ManifestLoader.UnreadableManifestException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    // The boot cannot go on without the manifest, so it keeps waiting.
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ManifestLoader.UnreadableManifestException unreadable) {
                throw unreadable;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("the manifest check failed", cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Result check(Path manifestFile) throws ManifestLoader.UnreadableManifestException {
        PhaseClock.mark("manifest-load");
        String name = manifestFile.toString();
        byte[] bytes = ManifestLoader.read(manifestFile, name);
        LoadedManifest loaded = new ManifestLoader().parse(bytes, name);
        PhaseClock.mark("validation");
        ManifestValidator validator = new ManifestValidator();
        Path recordFile = ValidationRecord.recordFileOf(manifestFile);
        String reason = reasonToValidateInFull(loaded, bytes, recordFile);
        Result result;
        if (reason == null) {
            result = new Result(validator.validateRecorded(loaded), "the manifest matches the validation record "
                    + recordFile + "; its constraints were checked when the image was built");
        } else {
            result = new Result(validator.validate(loaded), reason + "; validating the manifest in full");
        }
        PhaseClock.mark("manifest-check-end");
        return result;
    }

    /** Returns why the record at {@code recordFile} does not vouch for the manifest, or null when it does. */
    private static String reasonToValidateInFull(LoadedManifest loaded, byte[] bytes, Path recordFile) {
        for (Finding finding : loaded.findings()) {
            if (finding.severity() == Severity.ERROR) {
                // Such as a base manifest that cannot be read: the record vouches for no manifest
                // with errors, and the full validation reports every finding.
                return "the manifest has errors";
            }
        }
        if (loaded.sources().size() > 1) {
            // The record has the checksum of the manifest file alone, not of the bases it extends.
            return "the manifest extends base manifests, which no validation record covers"
                    + " (an initramfs should ship the --flatten output)";
        }
        ValidationRecord.Match match;
        try {
            ValidationRecord record = ValidationRecord.read(recordFile);
            if (record == null) {
                return "no validation record at " + recordFile;
            }
            match = record.match(bytes);
        } catch (IOException e) {
            return e.getMessage();
        }
        return switch (match) {
            case MATCHES -> null;
            case OTHER_MANIFEST -> "the validation record " + recordFile + " was made for other manifest contents";
            case OTHER_VALIDATOR -> "the validation record " + recordFile + " was made by another build of manifest-init";
        };
    }
}
