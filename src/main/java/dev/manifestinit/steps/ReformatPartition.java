package dev.manifestinit.steps;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.os.FileStatus;
import dev.manifestinit.os.Kernel;
import dev.manifestinit.os.MountFlag;
import dev.manifestinit.os.NativeException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Formats a partition anew for a factory reset, when ReadResetTriggers decided on one. Files named
 * in {@code keep} are copied from the old filesystem to a directory in the initramfs first and
 * back onto the new filesystem afterwards.
 *
 * <p>The partition is the one FindPartitions found by GPT label on the manifest's disk, so a
 * destroyed ext4 superblock does not hide it, and nothing else is ever formatted.
 */
public final class ReformatPartition implements Step {
    private final PartitionLabel label;
    private final FilesystemType type;
    private final List<String> keep;
    private final AbsolutePath staging;

    /**
     * @param keep names of files at the top of the filesystem to keep
     * @param staging a directory in the initramfs for the kept files and a temporary mount point
     */
    public ReformatPartition(PartitionLabel label, FilesystemType type, List<String> keep, AbsolutePath staging) {
        this.label = label;
        this.type = type;
        this.keep = List.copyOf(keep);
        this.staging = staging;
    }

    @Override
    public String describe() {
        String text = "PARTLABEL=" + label + " with mkfs." + type.kernelName() + " -F, if a factory reset was requested";
        if (!keep.isEmpty()) {
            text += ", keeping " + String.join(", ", keep) + " through " + stagingDirectory();
        }
        return text;
    }

    @Override
    public Outcome apply(StepContext context) throws StepFailure {
        if (!context.resetDecision().reset()) {
            return Outcome.skipped("no factory reset requested");
        }
        String device = context.partitionDevice(label);
        Kernel kernel = context.kernel();
        requireBlockDevice(kernel, device);

        List<String> kept = new ArrayList<>();
        if (!keep.isEmpty()) {
            kept = saveKeptFiles(kernel, device);
        }
        // NOTE: from here until the copies are back, the kept files exist only in initramfs memory. A
        // power cut in that window loses them, and the repeated reset then finds nothing to keep.
        String formatted = format(context, device);
        if (!keep.isEmpty()) {
            restoreKeptFiles(kernel, device, kept);
        }
        return Outcome.done(formatted + (keep.isEmpty() ? "" : "; kept " + (kept.isEmpty() ? "nothing, none of "
                + String.join(", ", keep) + " existed" : String.join(", ", kept))));
    }

    private static void requireBlockDevice(Kernel kernel, String device) throws StepFailure {
        FileStatus status;
        try {
            status = kernel.status(device, true);
        } catch (NativeException e) {
            throw new StepFailure("cannot check " + device + " before formatting it", e);
        }
        if (status == null || !status.isBlockDevice()) {
            throw new StepFailure(device + " is not a block device; refusing to format it");
        }
    }

    private String format(StepContext context, String device) throws StepFailure {
        String mkfs = "mkfs." + type.kernelName();
        String program = context.tools().find(mkfs);
        if (program == null) {
            throw new StepFailure(mkfs + " not found in the initramfs; it is needed to format " + device
                    + " (PARTLABEL=" + label + ") for the factory reset");
        }
        // -F: without it mke2fs requests a confirmation before it replaces an existing filesystem,
        // and the tool's standard input is not the console.
        List<String> command = List.of(program, "-F", device);
        ToolRunner.Result result = context.tools().run(command);
        String ran = String.join(" ", command);
        if (result.signal() != 0 || result.exitStatus() != 0) {
            String how = result.signal() != 0 ? "was killed by signal " + result.signal()
                    : "exited with status " + result.exitStatus();
            String output = result.output().strip().replace('\n', ' ');
            throw new StepFailure(ran + " " + how + (output.isEmpty() ? "" : "; output: " + output));
        }
        return ran + ": formatted";
    }

    /** Mounts the old filesystem read-only and copies the kept files that exist into the initramfs. */
    private List<String> saveKeptFiles(Kernel kernel, String device) throws StepFailure {
        Path saved = savedDirectory();
        List<String> found = new ArrayList<>();
        try {
            deleteSaved(saved);
            Files.createDirectories(saved);
        } catch (IOException e) {
            throw new StepFailure("cannot prepare " + saved + " in the initramfs for the files kept from " + device, e);
        }
        mount(kernel, device, EnumSet.of(MountFlag.RDONLY), "to save " + String.join(", ", keep)
                + "; nothing was formatted");
        StepFailure failure = null;
        try {
            for (String name : keep) {
                Path source = mountPoint().resolve(name);
                if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                    throw new StepFailure(name + " on " + device + " is not a regular file; only files can be kept,"
                            + " so nothing was formatted");
                }
                Files.copy(source, saved.resolve(name), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                found.add(name);
            }
        } catch (IOException e) {
            failure = new StepFailure("cannot copy the kept files from " + device + " to " + saved
                    + " in the initramfs; nothing was formatted", e);
        } catch (StepFailure e) {
            failure = e;
        }
        unmount(kernel, device, failure);
        return found;
    }

    /** Mounts the new filesystem and copies the saved files back, flushing each one. */
    private void restoreKeptFiles(Kernel kernel, String device, List<String> names) throws StepFailure {
        if (names.isEmpty()) {
            return;
        }
        Path saved = savedDirectory();
        mount(kernel, device, EnumSet.noneOf(MountFlag.class), "to put back " + String.join(", ", names)
                + ", which are still in " + saved);
        StepFailure failure = null;
        try {
            for (String name : names) {
                Path target = mountPoint().resolve(name);
                Files.copy(saved.resolve(name), target, StandardCopyOption.COPY_ATTRIBUTES);
                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
        } catch (IOException e) {
            failure = new StepFailure("cannot copy the kept files back from " + saved + " to " + device, e);
        }
        unmount(kernel, device, failure);
        try {
            deleteSaved(saved);
        } catch (IOException e) {
            // The copies are back on the partition; what is left only takes initramfs memory,
            // which switch_root frees anyway.
        }
    }

    private void mount(Kernel kernel, String device, EnumSet<MountFlag> flags, String purpose) throws StepFailure {
        try {
            Directories.create(kernel, new AbsolutePath(mountPoint().toString()));
            kernel.mount(device, mountPoint().toString(), type.kernelName(), flags, null);
        } catch (NativeException e) {
            throw new StepFailure("cannot mount " + device + " (PARTLABEL=" + label + ") on " + mountPoint() + " "
                    + purpose, e);
        }
    }

    /** Unmounts the temporary mount; throws {@code earlier} if set, else any unmount failure. */
    private void unmount(Kernel kernel, String device, StepFailure earlier) throws StepFailure {
        try {
            kernel.unmount(mountPoint().toString(), 0);
        } catch (NativeException e) {
            StepFailure failure = new StepFailure("cannot unmount " + device + " from " + mountPoint()
                    + "; it must not be formatted while mounted", e);
            if (earlier != null) {
                earlier.addSuppressed(failure);
                throw earlier;
            }
            throw failure;
        }
        if (earlier != null) {
            throw earlier;
        }
    }

    private static void deleteSaved(Path saved) throws IOException {
        if (!Files.isDirectory(saved, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var files = Files.list(saved)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
    }

    private String stagingDirectory() {
        return staging + "/" + label;
    }

    private Path savedDirectory() {
        return Path.of(stagingDirectory(), "saved");
    }

    private Path mountPoint() {
        return Path.of(stagingDirectory(), "mount");
    }
}
