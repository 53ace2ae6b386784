package dev.manifestinit.steps;

import dev.manifestinit.manifest.KernelModule;
import dev.manifestinit.os.FileStatus;
import dev.manifestinit.os.NativeException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Loads kernel modules into the running kernel with finit_module(2), one after the other in the
 * manifest's order, which the image build checks against the kernel's modules.dep.
 */
public final class LoadKernelModules implements Step {
    private final List<KernelModule> modules;

    public LoadKernelModules(List<KernelModule> modules) {
        this.modules = List.copyOf(modules);
    }

    @Override
    public String describe() {
        return modules.stream().map(LoadKernelModules::describe).collect(Collectors.joining(", "));
    }

    @Override
    public Outcome apply(StepContext context) throws StepFailure {
        List<String> loaded = new ArrayList<>();
        List<String> present = new ArrayList<>();
        for (KernelModule module : modules) {
            String path = module.path().value();
            requireFile(context, module);
            long start = System.nanoTime();
            try {
                context.kernel().loadModule(path, module.parameterString());
            } catch (NativeException e) {
                if (e.operation().equals("finit_module") && e.errnoName().equals("EEXIST")) {
                    context.logProgress("module " + module.name() + " is already loaded; " + path + " skipped");
                    present.add(module.name());
                    continue;
                }
                throw new StepFailure("cannot load module " + module.name() + " from " + path
                        + (loaded.isEmpty() ? "" : " (loaded before it: " + String.join(" ", loaded) + ")"), e);
            }
            context.logProgress("loaded module " + module.name() + " from " + path
                    + (module.parameters().isEmpty() ? "" : " with " + module.parameterString())
                    + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
            loaded.add(module.name());
        }
        if (loaded.isEmpty()) {
            return Outcome.skipped("all " + present.size() + " modules were already loaded");
        }
        return Outcome.done("loaded " + String.join(" ", loaded)
                + (present.isEmpty() ? "" : "; already loaded: " + String.join(" ", present)));
    }

    /** Fails with a message that names the module when its file is missing, where openat would report only ENOENT. */
    private static void requireFile(StepContext context, KernelModule module) throws StepFailure {
        String path = module.path().value();
        FileStatus status;
        try {
            status = context.kernel().status(path, true);
        } catch (NativeException e) {
            throw new StepFailure("cannot look up module file " + path, e);
        }
        if (status == null) {
            throw new StepFailure("module file " + path + " of module " + module.name()
                    + " not found in the initramfs; the image build must copy it there");
        }
        if (!status.isRegularFile()) {
            throw new StepFailure("module file " + path + " of module " + module.name() + " is not a regular file");
        }
    }

    private static String describe(KernelModule module) {
        return module.path().value() + (module.parameters().isEmpty() ? "" : " [" + module.parameterString() + "]");
    }
}
