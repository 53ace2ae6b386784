package dev.manifestinit.manifest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * A machine's boot, as the manifest declares it. Each component is one top-level key.
 *
 * @param version the manifest format version; this program reads version 1
 * @param machine a name for the machine, shown in logs
 * @param apiFilesystems devtmpfs, sysfs, proc and tmpfs mounts made first in the initramfs
 * @param kernelModules modules loaded after the API mounts, in the order listed
 * @param disk the one disk whose GPT labels the other sections name
 * @param root which partition becomes the new root and how it is mounted
 * @param mounts partitions mounted inside the new root, in order
 * @param directories directories created inside the new root after the mounts
 * @param overlays overlay mounts inside the new root
 * @param init the program executed as PID 1 after switch_root
 * @param shell the emergency shell and when it may start; without the key, never
 * @param onFailure what a failed step leads to; without the key, a reboot
 * @param factoryReset the factory reset's triggers and the partitions it formats; none without the key
 */
public record Manifest(
        @NotNull(message = "version is required; this program reads version 1")
        @Min(value = 1, message = "version must be 1")
        @Max(value = 1, message = "version must be 1")
        Integer version,
        @NotEmpty(message = "machine must name the machine")
        String machine,
        @NotNull(message = "apiFilesystems is required: list at least proc, sysfs and devtmpfs")
        List<@Valid @NotNull ApiFilesystem> apiFilesystems,
        List<@Valid @NotNull KernelModule> kernelModules,
        @NotNull(message = "disk is required") @Valid
        Disk disk,
        @NotNull(message = "root is required") @Valid
        Root root,
        List<@Valid @NotNull Mount> mounts,
        List<@NotNull AbsolutePath> directories,
        List<@Valid @NotNull Overlay> overlays,
        @NotNull(message = "init is required") @Valid
        Init init,
        @Valid Shell shell,
        @Valid OnFailure onFailure,
        @Valid FactoryReset factoryReset) {

    public Manifest {
        shell = shell == null ? Shell.NONE : shell;
        onFailure = onFailure == null ? OnFailure.DEFAULT : onFailure;
        kernelModules = Lists.copyOf(kernelModules);
        mounts = Lists.copyOf(mounts);
        directories = Lists.copyOf(directories);
        overlays = Lists.copyOf(overlays);
    }
}
