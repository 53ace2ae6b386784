package dev.manifestinit.disk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds partitions of one disk by label, at once or by polling until they appear.
 *
 * <p>Without udev nothing announces a disk or its partitions: the kernel adds them to sysfs when
 * the driver has probed the device and scanned its table, which in an initramfs can be after the
 * init starts. The waits therefore scan sysfs, and the GPT when needed, again every
 * {@link #POLL_INTERVAL} until the deadline.
 */
public final class PartitionLocator {
    public static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    private final Path disk;
    private final DiskScanner scanner;
    private final WaitClock clock;

    /** Creates a locator for {@code disk} that reads /sys and /dev and sleeps for real. */
    public PartitionLocator(Path disk) {
        this(disk, new DiskScanner(SysfsBlockDevices.system()), WaitClock.system());
    }

    public PartitionLocator(Path disk, DiskScanner scanner, WaitClock clock) {
        this.disk = disk;
        this.scanner = scanner;
        this.clock = clock;
    }

    public Path disk() {
        return disk;
    }

    /** Scans the disk once. See {@link DiskScanner#scan(Path)} for the exceptions. */
    public DiskPartitions scan() throws IOException {
        return scanner.scan(disk);
    }

    /**
     * Returns the partition of each label, in the order of {@code labels}, from one scan.
     *
     * @throws DuplicateLabelException when a label is on two or more partitions of the disk
     * @throws LabelNotFoundException when a label is on no partition
     * @throws IOException as {@link DiskScanner#scan(Path)} raises it
     */
    public Map<String, Partition> find(Collection<String> labels) throws IOException {
        return scan().select(labels);
    }

    /**
     * Returns the partition of each label once every label is present, scanning again every
     * {@link #POLL_INTERVAL}. Scans at least once, even with a zero timeout.
     *
     * <p>A missing disk, a missing label and a sysfs file that vanishes during a scan are retried.
     * A duplicate label, an invalid GPT and other {@link DiskException}s are raised at once, because
     * waiting does not change them.
     *
     * @throws DiskWaitTimeoutException when the labels are still missing at the deadline. Its
     *     message names the disk, the missing labels, the labels found and the time waited.
     */
    public Map<String, Partition> await(Collection<String> labels, Duration timeout) throws IOException {
        String target = (labels.size() == 1 ? "partition label " : "partition labels ")
                + String.join(", ", labels) + " on " + disk;
        return poll(target, timeout, () -> find(labels));
    }

    /**
     * Waits until sysfs lists the disk, that is until {@code /sys/class/block/<name>} exists, and
     * returns the time waited.
     *
     * @throws DiskWaitTimeoutException when the disk is still missing at the deadline
     */
    public Duration awaitDisk(Duration timeout) throws IOException {
        long start = clock.nanoTime();
        poll("disk " + disk, timeout, () -> {
            SysfsBlockDevices devices = scanner.devices();
            String name = devices.kernelName(disk);
            if (!devices.exists(name)) {
                throw new DiskNotFoundException(disk, devices.blockDirectory(name) + " does not exist");
            }
            return name;
        });
        return Duration.ofNanos(clock.nanoTime() - start);
    }

    private interface Attempt<T> {
        T run() throws IOException;
    }

    private <T> T poll(String target, Duration timeout, Attempt<T> attempt) throws IOException {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + timeout + " for " + target);
        }
        long start = clock.nanoTime();
        long timeoutNanos = timeout.toNanos();
        while (true) {
            IOException failure;
            try {
                return attempt.run();
            } catch (LabelNotFoundException | DiskNotFoundException e) {
                failure = e;
            } catch (DiskException e) {
                throw e;
            } catch (IOException e) {
                // Plain IO errors come from sysfs files or device nodes that vanish or are not there
                // yet while the kernel adds partitions.
                failure = e;
            }

            long elapsed = clock.nanoTime() - start;
            if (elapsed >= timeoutNanos) {
                throw timedOut(target, Duration.ofNanos(elapsed), failure);
            }
            try {
                clock.sleep(Duration.ofNanos(Math.min(POLL_INTERVAL.toNanos(), timeoutNanos - elapsed)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting for "
                        + target);
                interrupted.initCause(e);
                throw interrupted;
            }
        }
    }

    private DiskWaitTimeoutException timedOut(String target, Duration waited, IOException lastFailure) {
        String reason;
        if (lastFailure instanceof LabelNotFoundException notFound) {
            List<String> missing = notFound.missing();
            reason = "missing " + String.join(", ", missing) + "; "
                    + LabelNotFoundException.describeFound(notFound.found());
        } else if (lastFailure instanceof DiskNotFoundException notFound) {
            reason = "the disk did not appear, " + notFound.reason();
        } else {
            reason = lastFailure.getMessage();
        }
        String message = "timed out after " + formatSeconds(waited) + " waiting for " + target + ": " + reason;
        return new DiskWaitTimeoutException(disk, waited, message, lastFailure);
    }

    private static String formatSeconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3f s", duration.toNanos() / 1e9);
    }
}
