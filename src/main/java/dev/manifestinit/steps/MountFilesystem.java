package dev.manifestinit.steps;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.manifest.MountOptions;
import dev.manifestinit.os.Kernel;
import dev.manifestinit.os.MountFlag;
import dev.manifestinit.os.NativeException;
import java.util.EnumSet;

/** Mounts a filesystem on a mount point, creating the mount point when it is missing. */
public final class MountFilesystem implements Step {
    private final MountSource source;
    private final AbsolutePath target;
    private final FilesystemType type;
    private final MountOptions options;

    public MountFilesystem(MountSource source, AbsolutePath target, FilesystemType type, MountOptions options) {
        this.source = source;
        this.target = target;
        this.type = type;
        this.options = options;
    }

    @Override
    public String describe() {
        return source + " on " + target + " (type " + type + ", options " + options + ")";
    }

    @Override
    public Outcome apply(StepContext context) throws Exception {
        Kernel kernel = context.kernel();
        if (kernel.status(target.value(), true) != null && kernel.isMountPoint(target.value())) {
            long magic = kernel.filesystemMagic(target.value());
            if (magic == type.magic()) {
                return Outcome.skipped(target + " already has a " + type + " mount");
            }
            throw new StepFailure(target + " already has a mount of another type (statfs f_type 0x"
                    + Long.toHexString(magic) + ", expected " + type + ")");
        }
        try {
            Directories.create(kernel, target);
        } catch (NativeException e) {
            throw new StepFailure("mount point " + target + " is missing and cannot be created", e);
        }
        String device = source.resolve(context);
        if (source instanceof MountSource.Partition partition && context.readOnlyRequested(partition.label())) {
            MountOptions readOnly = options.withFlags(EnumSet.of(MountFlag.RDONLY));
            kernel.mount(device, target.value(), type.kernelName(), readOnly.flags(), readOnly.data());
            return Outcome.done(device + " mounted read-only on " + target + ", as the filesystem check requested");
        }
        kernel.mount(device, target.value(), type.kernelName(), options.flags(), options.data());
        return Outcome.done(device + " mounted on " + target);
    }
}
