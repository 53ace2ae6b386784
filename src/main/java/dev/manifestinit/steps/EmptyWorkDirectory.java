package dev.manifestinit.steps;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.os.FileStatus;
import dev.manifestinit.os.Kernel;

/**
 * Deletes what an earlier boot left in an overlay's work directory, keeping the directory itself:
 * on a full filesystem a deleted work directory could not be made again.
 */
public final class EmptyWorkDirectory implements Step {
    private final AbsolutePath work;
    private final AbsolutePath overlayMountpoint;

    public EmptyWorkDirectory(AbsolutePath work, AbsolutePath overlayMountpoint) {
        this.work = work;
        this.overlayMountpoint = overlayMountpoint;
    }

    @Override
    public String describe() {
        return work + " (work directory of the overlay on " + overlayMountpoint + ")";
    }

    @Override
    public Outcome apply(StepContext context) throws Exception {
        Kernel kernel = context.kernel();
        if (kernel.status(overlayMountpoint.value(), true) != null && kernel.isMountPoint(overlayMountpoint.value())
                && kernel.filesystemMagic(overlayMountpoint.value()) == FilesystemType.OVERLAY.magic()) {
            return Outcome.skipped("the overlay on " + overlayMountpoint + " is mounted and uses " + work);
        }
        FileStatus status = kernel.status(work.value(), false);
        if (status == null) {
            throw new StepFailure("work directory " + work + " does not exist");
        }
        if (!status.isDirectory()) {
            throw new StepFailure("work directory " + work + " is not a directory");
        }
        long removed = kernel.removeContents(work.value());
        return removed == 0 ? Outcome.skipped(work + " is empty") : Outcome.done("removed " + removed + " entries");
    }
}
