package dev.manifestinit.steps;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.os.FileStatus;
import dev.manifestinit.os.Kernel;
import dev.manifestinit.os.MountFlag;
import dev.manifestinit.os.NativeException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Moves the API mounts into the new root, deletes the initramfs contents, moves the new root onto
 * {@code /} and executes the target init there as PID 1. Everything that can be checked is checked
 * before the first change, because after the deletion there is no way back.
 */
public final class SwitchRoot implements Step {
    private static final long TMPFS_MAGIC = 0x01021994L;
    private static final long RAMFS_MAGIC = 0x858458f6L;
    /** Variables the initramfs sets for the JVM only; the target init gets the rest. */
    private static final List<String> PRIVATE_VARIABLES = List.of("LD_LIBRARY_PATH", "JAVA_TOOL_OPTIONS",
            "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private final AbsolutePath newRoot;
    private final List<AbsolutePath> apiMounts;
    private final AbsolutePath init;
    private final List<String> arguments;

    /**
     * @param newRoot where the new root is mounted in the initramfs
     * @param apiMounts initramfs mount points moved to the same path inside the new root
     * @param init the target init's path inside the new root
     * @param arguments arguments after argv[0]
     */
    public SwitchRoot(AbsolutePath newRoot, List<AbsolutePath> apiMounts, AbsolutePath init, List<String> arguments) {
        this.newRoot = newRoot;
        this.apiMounts = List.copyOf(apiMounts);
        this.init = init;
        this.arguments = List.copyOf(arguments);
    }

    @Override
    public String describe() {
        String moves = apiMounts.stream().map(AbsolutePath::value).collect(Collectors.joining(" "));
        return "to " + newRoot + ", moving " + moves + ", then exec " + init
                + (arguments.isEmpty() ? "" : " " + String.join(" ", arguments));
    }

    @Override
    public Outcome apply(StepContext context) throws Exception {
        Kernel kernel = context.kernel();
        checkPreconditions(kernel);

        // From the first move on, the initramfs no longer is as the plan found it, so a failure
        // requests the failure action at once rather than another root side.
        try {
            for (AbsolutePath mount : apiMounts) {
                kernel.mount(mount.value(), mount.under(newRoot).value(), null, EnumSet.of(MountFlag.MOVE), null);
            }
            kernel.changeDirectory(newRoot.value());
            // The initramfs is deleted before the new root covers it: afterwards no path reaches it and
            // its memory would stay in use until the next boot. removeContents never enters another
            // filesystem, so the new root and the moved mounts are safe.
            kernel.removeContents("/");
            // The kernel refuses MS_MOVE out of a mount whose parent is shared.
            kernel.mount("none", "/", null, EnumSet.of(MountFlag.REC, MountFlag.PRIVATE), null);
            kernel.mount(".", "/", null, EnumSet.of(MountFlag.MOVE), null);
            kernel.changeRoot(".");
            kernel.changeDirectory("/");

            kernel.closeOnExecFrom(3);
            List<String> argv = new ArrayList<>();
            argv.add(init.value());
            argv.addAll(arguments);
            kernel.execute(init.value(), argv, environment());
        } catch (NativeException e) {
            throw new IrreversibleFailure("switch_root to " + newRoot + " failed after it began to change the"
                    + " mounts and the initramfs", e);
        }
        throw new IllegalStateException("execve returned without an error");
    }

    /** Checks everything that would make the switch fail halfway; changes nothing. */
    public void checkPreconditions(Kernel kernel) throws StepFailure, NativeException {
        int pid = kernel.processId();
        if (pid != 1) {
            throw new StepFailure("switch_root must run as PID 1, but this process is PID " + pid
                    + "; deleting the initramfs of a running system would destroy it");
        }
        long rootMagic = kernel.filesystemMagic("/");
        if (rootMagic != TMPFS_MAGIC && rootMagic != RAMFS_MAGIC) {
            throw new StepFailure("/ is not an initramfs (statfs f_type 0x" + Long.toHexString(rootMagic)
                    + ", expected tmpfs or ramfs); refusing to delete its contents");
        }
        if (kernel.status(newRoot.value(), true) == null || !kernel.isMountPoint(newRoot.value())) {
            throw new StepFailure("new root " + newRoot + " is not a mount point");
        }
        for (AbsolutePath mount : apiMounts) {
            FileStatus target = kernel.status(mount.under(newRoot).value(), true);
            if (target == null || !target.isDirectory()) {
                throw new StepFailure("the new root has no directory " + mount + " to move " + mount + " to");
            }
        }
        String resolved = InitResolver.resolve(kernel, newRoot, init);
        FileStatus status = kernel.status(resolved, false);
        if (status == null) {
            throw new StepFailure("target init " + init + " not found in the new root " + newRoot);
        }
        if (!status.isRegularFile()) {
            throw new StepFailure("target init " + init + " in " + newRoot + " is not a regular file");
        }
        if (!status.isExecutable()) {
            throw new StepFailure("target init " + init + " in " + newRoot + " is not executable (mode "
                    + Integer.toOctalString(status.mode() & 07777) + ")");
        }
        if (status.size() == 0) {
            throw new StepFailure("target init " + init + " in " + newRoot + " is empty");
        }
    }

    private static List<String> environment() {
        List<String> environment = new ArrayList<>();
        for (Map.Entry<String, String> variable : System.getenv().entrySet()) {
            if (!PRIVATE_VARIABLES.contains(variable.getKey())) {
                environment.add(variable.getKey() + "=" + variable.getValue());
            }
        }
        return environment;
    }
}
