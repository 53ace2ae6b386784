package dev.manifestinit.image;

import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.manifest.KernelModule;
import dev.manifestinit.manifest.LoadedManifest;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.Mount;
import dev.manifestinit.manifest.SourceMap;
import dev.manifestinit.validation.Finding;
import dev.manifestinit.validation.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a manifest's kernel modules against the kernel that the image ships, at image build time.
 * The init loads exactly the listed modules in the listed order and has no modprobe to fill gaps,
 * so this check does modprobe's dependency resolution ahead of time:
 *
 * <ul>
 *   <li>every listed module is a loadable module of the kernel, not built in and not unknown;
 *   <li>every module that modules.dep names for a listed module is listed before it;
 *   <li>every loadable module that a listed module's {@code pre:} soft dependencies resolve to is
 *       listed before it (modprobe loads all modules an alias matches);
 *   <li>every filesystem the manifest mounts is built in or listed, and the {@code pre:} soft
 *       dependencies of a built-in one are listed too: ext4 asks for crc32c this way.
 * </ul>
 */
public final class ModuleCheck {
    private final LoadedManifest loaded;
    private final ModuleDirectory modules;
    private final List<Finding> findings = new ArrayList<>();
    /** Position in the manifest's list, by module name. */
    private final Map<String, Integer> listed = new HashMap<>();

    /**
     * A listed module and the file that provides it.
     *
     * @param source the module file in the kernel's module directory, possibly compressed
     */
    public record ModuleFile(KernelModule module, Path source) {
    }

    /**
     * The outcome of a check.
     *
     * @param files each listed module's file, in the manifest's order, for the modules found
     */
    public record Result(List<Finding> findings, List<ModuleFile> files) {
        public boolean hasErrors() {
            return findings.stream().anyMatch(finding -> finding.severity() == Severity.ERROR);
        }
    }

    public ModuleCheck(LoadedManifest loaded, ModuleDirectory modules) {
        if (loaded.manifest() == null) {
            throw new IllegalArgumentException("the manifest " + loaded.file() + " did not load");
        }
        this.loaded = loaded;
        this.modules = modules;
    }

    public Result check() {
        Manifest manifest = loaded.manifest();
        List<KernelModule> list = manifest.kernelModules();
        for (int i = 0; i < list.size(); i++) {
            listed.putIfAbsent(list.get(i).name(), i);
        }
        List<ModuleFile> files = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            checkListed(list.get(i), i).ifPresent(files::add);
        }
        for (Map.Entry<String, FilesystemType> filesystem : filesystems(manifest).entrySet()) {
            checkFilesystem(filesystem.getKey(), filesystem.getValue());
        }
        Collections.sort(findings);
        return new Result(List.copyOf(findings), List.copyOf(files));
    }

    private Optional<ModuleFile> checkListed(KernelModule module, int index) {
        String path = "$.kernelModules[" + index + "].path";
        String name = module.name();
        Optional<ModuleDirectory.LoadableModule> found = modules.loadable(name);
        if (found.isEmpty()) {
            if (modules.isBuiltin(name)) {
                error(path, "module " + name + " is built into kernel " + modules.release()
                        + ", so there is no file to load; remove it from kernelModules");
            } else {
                error(path, "kernel " + modules.release() + " has no module " + name + ": "
                        + modules.directory().resolve("modules.dep") + " does not list it");
            }
            return Optional.empty();
        }
        for (String dependency : found.get().dependencies()) {
            requireBefore(path, name, index, dependency, "needs " + dependency + " (modules.dep)");
        }
        checkSoftDependencies(path, name, index);
        return Optional.of(new ModuleFile(module, modules.directory().resolve(found.get().file())));
    }

    /** The {@code pre:} soft dependencies of a listed module must be loaded before it. */
    private void checkSoftDependencies(String path, String name, int index) {
        for (String wanted : modules.preSoftDependencies(name)) {
            for (ModuleDirectory.ResolvedModule resolved : modules.resolve(wanted)) {
                if (!resolved.builtin()) {
                    requireBefore(path, name, index, resolved.name(), "has the soft dependency " + wanted
                            + ", which is module " + resolved.name() + " (pre: in modules.softdep)");
                }
            }
        }
    }

    private void requireBefore(String path, String name, int index, String dependency, String reason) {
        Integer position = listed.get(dependency);
        if (position == null) {
            error(path, "module " + name + " " + reason + ", which kernelModules does not list;"
                    + " add " + fileOf(dependency) + " before " + name);
        } else if (position > index) {
            error(path, "module " + name + " " + reason + ", which $.kernelModules[" + position
                    + "] loads after it; list it before " + name);
        }
    }

    /**
     * Looks a filesystem up as the kernel requests it from modprobe when mount(2) meets an unknown
     * type: by the alias fs-TYPE.
     */
    private void checkFilesystem(String path, FilesystemType type) {
        String alias = "fs-" + type.kernelName();
        List<ModuleDirectory.ResolvedModule> providers = modules.resolve(alias);
        if (providers.isEmpty()) {
            error(path, "kernel " + modules.release() + " has no " + type + " filesystem: no module, built in"
                    + " or loadable, has the alias " + alias);
            return;
        }
        for (ModuleDirectory.ResolvedModule provider : providers) {
            if (!provider.builtin()) {
                if (!listed.containsKey(provider.name())) {
                    error(path, "filesystem " + type + " is module " + provider.name() + " in kernel "
                            + modules.release() + ", which kernelModules does not list; add " + fileOf(provider.name()));
                }
                continue;
            }
            for (String wanted : modules.preSoftDependencies(provider.name())) {
                for (ModuleDirectory.ResolvedModule resolved : modules.resolve(wanted)) {
                    if (!resolved.builtin() && !listed.containsKey(resolved.name())) {
                        error(path, "filesystem " + type + " is built into kernel " + modules.release()
                                + " and has the soft dependency " + wanted + ", which is module "
                                + resolved.name() + "; add " + fileOf(resolved.name()) + " to kernelModules");
                    }
                }
            }
        }
    }

    /** Returns the file of a loadable module in the kernel's module directory, such as kernel/fs/overlayfs/overlay.ko. */
    private String fileOf(String module) {
        return modules.loadable(module).map(ModuleDirectory.LoadableModule::file).orElse(module);
    }

    /** Returns the manifest's filesystems that may need a module, keyed by the manifest path that names each first. */
    private static Map<String, FilesystemType> filesystems(Manifest manifest) {
        Map<FilesystemType, String> byType = new LinkedHashMap<>();
        if (manifest.root() != null && manifest.root().type() != null) {
            byType.putIfAbsent(manifest.root().type(), "$.root.type");
        }
        for (int i = 0; i < manifest.mounts().size(); i++) {
            Mount mount = manifest.mounts().get(i);
            if (mount != null && mount.type() != null) {
                byType.putIfAbsent(mount.type(), "$.mounts[" + i + "].type");
            }
        }
        if (!manifest.overlays().isEmpty()) {
            byType.putIfAbsent(FilesystemType.OVERLAY, "$.overlays[0]");
        }
        Map<String, FilesystemType> byPath = new LinkedHashMap<>();
        byType.forEach((type, path) -> byPath.put(path, type));
        return byPath;
    }

    private void error(String path, String message) {
        SourceMap.Position position = loaded.positions().find(path);
        findings.add(new Finding(Severity.ERROR, position.file(), position.line(), position.column(), path, message));
    }
}
