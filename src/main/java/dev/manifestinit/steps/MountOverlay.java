package dev.manifestinit.steps;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.os.Kernel;
import java.util.Set;

/** Mounts an overlay whose upper and work directories are on a writable filesystem. */
public final class MountOverlay implements Step {
    private final AbsolutePath target;
    private final AbsolutePath lower;
    private final AbsolutePath upper;
    private final AbsolutePath work;

    public MountOverlay(AbsolutePath target, AbsolutePath lower, AbsolutePath upper, AbsolutePath work) {
        this.target = target;
        this.lower = lower;
        this.upper = upper;
        this.work = work;
    }

    /** The data string of mount(2); the lower directory is opened before the overlay covers it. */
    private String data() {
        return "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work;
    }

    @Override
    public String describe() {
        return "overlay on " + target + " (" + data() + ")";
    }

    @Override
    public Outcome apply(StepContext context) throws Exception {
        Kernel kernel = context.kernel();
        if (kernel.status(target.value(), true) == null) {
            throw new StepFailure("overlay mount point " + target + " does not exist");
        }
        if (kernel.isMountPoint(target.value())
                && kernel.filesystemMagic(target.value()) == FilesystemType.OVERLAY.magic()) {
            return Outcome.skipped(target + " already has an overlay mount");
        }
        kernel.mount("overlay", target.value(), "overlay", Set.of(), data());
        return Outcome.DONE;
    }
}
