package dev.manifestinit.steps;

import dev.manifestinit.os.FileStatus;
import dev.manifestinit.os.Kernel;
import dev.manifestinit.os.MountFlag;
import dev.manifestinit.os.NativeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kernel for plan and policy tests: paths, mount points and filesystem types are set by the
 * test, and every call that would change the system is recorded instead of made.
 */
final class FakeKernel implements Kernel {
    final List<String> changes = new ArrayList<>();
    final Map<String, FileStatus> files = new HashMap<>();
    final Set<String> mountPoints = new HashSet<>();
    final Map<String, Long> magics = new HashMap<>();
    /** The failure of finit_module for a module file, by path; other files load. */
    final Map<String, NativeException> moduleFailures = new HashMap<>();
    int pid = 1;

    void directory(String path) {
        files.put(path, new FileStatus(0040755, 4096, 8, 1, false));
    }

    void file(String path, int mode, long size) {
        files.put(path, new FileStatus(0100000 | mode, size, 8, 1, false));
    }

    @Override
    public void mount(String source, String target, String fsType, Set<MountFlag> flags, String data) {
        changes.add("mount " + source + " " + target + " " + fsType + " " + MountFlag.describe(flags));
    }

    @Override
    public void unmount(String target, int flags) {
        changes.add("umount " + target);
    }

    @Override
    public void makeDirectory(String path, int mode) {
        changes.add("mkdir " + path);
        directory(path);
    }

    @Override
    public void changeDirectory(String path) {
        changes.add("chdir " + path);
    }

    @Override
    public void changeRoot(String path) {
        changes.add("chroot " + path);
    }

    @Override
    public long filesystemMagic(String path) {
        return magics.getOrDefault(path, 0xEF53L);
    }

    @Override
    public FileStatus status(String path, boolean followLinks) {
        return files.get(path);
    }

    @Override
    public boolean isMountPoint(String path) {
        return mountPoints.contains(path);
    }

    @Override
    public long removeContents(String path) {
        changes.add("remove contents of " + path);
        return 0;
    }

    @Override
    public int processId() {
        return pid;
    }

    @Override
    public void rereadPartitionTable(String device) {
        changes.add("BLKRRPART " + device);
    }

    @Override
    public void loadModule(String path, String parameters) throws NativeException {
        changes.add(("load module " + path + " " + parameters).strip());
        NativeException failure = moduleFailures.get(path);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void closeOnExecFrom(int lowest) {
        changes.add("close on exec from " + lowest);
    }

    @Override
    public void execute(String path, List<String> arguments, List<String> environment) {
        changes.add("exec " + path + " " + arguments);
    }

    @Override
    public void reboot(dev.manifestinit.os.RebootCommand command) {
        changes.add("reboot " + command);
    }
}
