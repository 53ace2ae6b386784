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
 * A fake {@link Kernel} for module loading: it knows a set of module files, records every
 * finit_module call, and fails a call as configured. Every other call is unsupported.
 */
final class ModuleLoadingKernel implements Kernel {
    private static final FileStatus REGULAR_FILE = new FileStatus(0100644, 1000, 0, 1, false);
    private static final FileStatus DIRECTORY = new FileStatus(0040755, 0, 0, 1, false);

    private final Set<String> files = new HashSet<>();
    private final Set<String> directories = new HashSet<>();
    private final Map<String, NativeException> failures = new HashMap<>();
    /** Each finit_module call as "PATH PARAMETERS". */
    final List<String> loads = new ArrayList<>();

    ModuleLoadingKernel withFiles(String... paths) {
        files.addAll(List.of(paths));
        return this;
    }

    ModuleLoadingKernel withDirectory(String path) {
        directories.add(path);
        return this;
    }

    /** Makes finit_module of {@code path} fail with {@code errnoName}. */
    ModuleLoadingKernel failing(String path, String errnoName, int errno, String text) {
        failures.put(path, new NativeException("finit_module", "(3<" + path + ">, \"\", 0)", errno, errnoName, text));
        return this;
    }

    @Override
    public FileStatus status(String path, boolean followLinks) {
        if (files.contains(path)) {
            return REGULAR_FILE;
        }
        return directories.contains(path) ? DIRECTORY : null;
    }

    @Override
    public void loadModule(String path, String parameters) throws NativeException {
        loads.add((path + " " + parameters).strip());
        NativeException failure = failures.get(path);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void mount(String source, String target, String fsType, Set<MountFlag> flags, String data) {
        throw new UnsupportedOperationException("mount");
    }

    @Override
    public void unmount(String target, int flags) {
        throw new UnsupportedOperationException("unmount");
    }

    @Override
    public void makeDirectory(String path, int mode) {
        throw new UnsupportedOperationException("makeDirectory");
    }

    @Override
    public void changeDirectory(String path) {
        throw new UnsupportedOperationException("changeDirectory");
    }

    @Override
    public void changeRoot(String path) {
        throw new UnsupportedOperationException("changeRoot");
    }

    @Override
    public long filesystemMagic(String path) {
        throw new UnsupportedOperationException("filesystemMagic");
    }

    @Override
    public boolean isMountPoint(String path) {
        throw new UnsupportedOperationException("isMountPoint");
    }

    @Override
    public long removeContents(String path) {
        throw new UnsupportedOperationException("removeContents");
    }

    @Override
    public int processId() {
        return 1;
    }

    @Override
    public void closeOnExecFrom(int lowest) {
        throw new UnsupportedOperationException("closeOnExecFrom");
    }

    @Override
    public void execute(String path, List<String> arguments, List<String> environment) {
        throw new UnsupportedOperationException("execute");
    }
}
