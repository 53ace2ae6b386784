package dev.manifestinit.plan;

import dev.manifestinit.boot.KernelCommandLine;
import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.ApiFilesystem;
import dev.manifestinit.manifest.FactoryReset;
import dev.manifestinit.manifest.FsckMode;
import dev.manifestinit.manifest.GptMode;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.Mount;
import dev.manifestinit.manifest.Overlay;
import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.manifest.Reformat;
import dev.manifestinit.steps.CheckBackupGpt;
import dev.manifestinit.steps.CheckFilesystem;
import dev.manifestinit.steps.ClearResetRequest;
import dev.manifestinit.steps.EmptyWorkDirectory;
import dev.manifestinit.steps.FindPartitions;
import dev.manifestinit.steps.LoadKernelModules;
import dev.manifestinit.steps.MakeDirectories;
import dev.manifestinit.steps.MountFilesystem;
import dev.manifestinit.steps.MountOverlay;
import dev.manifestinit.steps.MountSource;
import dev.manifestinit.steps.ReadResetTriggers;
import dev.manifestinit.steps.ReformatPartition;
import dev.manifestinit.steps.RepairBackupGpt;
import dev.manifestinit.steps.Step;
import dev.manifestinit.steps.SwitchRoot;
import dev.manifestinit.steps.WaitForDisk;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a validated manifest and the kernel command line into the ordered steps of a boot. Pure:
 * it reads nothing from the system, so plans are tested as golden files.
 */
public final class Planner {
    private static final String ROOT_PREFIX = "PARTLABEL=";
    /** The initramfs directory for files a factory reset keeps while it formats their partition. */
    public static final AbsolutePath RESET_STAGING = new AbsolutePath("/tmp/manifest-init/factory-reset");

    /**
     * The steps that depend on the manifest alone and come first in every plan: the API mounts.
     * The boot runs them before it can read /proc/cmdline.
     */
    public List<Step> apiFilesystemSteps(Manifest manifest) {
        List<Step> steps = new ArrayList<>();
        for (ApiFilesystem api : manifest.apiFilesystems()) {
            steps.add(new MountFilesystem(new MountSource.Named(api.type().kernelName()), api.mountpoint(), api.type(),
                    api.options()));
        }
        return steps;
    }

    public Plan plan(Manifest manifest, KernelCommandLine commandLine) throws PlanException {
        PartitionLabel rootLabel = chooseRoot(manifest, commandLine);
        String rootSource = commandLine.lastValue("root").isPresent() ? "kernel command line" : "manifest default";
        return plan(manifest, commandLine, rootLabel, rootSource);
    }

    /**
     * Plans the boot of the root side {@code rootLabel}, one of the manifest's root labels, such as
     * the other side after the first one failed.
     */
    public Plan plan(Manifest manifest, KernelCommandLine commandLine, PartitionLabel rootLabel, String rootSource) {
        AbsolutePath newRoot = manifest.root().mountpoint();

        List<Step> steps = new ArrayList<>(apiFilesystemSteps(manifest));
        // The disk's driver may be one of the modules, and the kernel can load none by itself
        // because the initramfs has no modprobe.
        if (!manifest.kernelModules().isEmpty()) {
            steps.add(new LoadKernelModules(manifest.kernelModules()));
        }
        steps.add(new WaitForDisk(manifest.disk().device(), manifest.disk().timeout()));
        // Before the partitions are looked up, because a repair can have the kernel read the table again.
        if (manifest.disk().gpt() == GptMode.REPAIR) {
            steps.add(new RepairBackupGpt(manifest.disk().device()));
        } else {
            steps.add(new CheckBackupGpt(manifest.disk().device()));
        }

        Set<PartitionLabel> needed = new LinkedHashSet<>();
        needed.add(rootLabel);
        if (manifest.onFailure().otherSide()) {
            needed.addAll(manifest.root().labels());
        }
        for (Mount mount : manifest.mounts()) {
            needed.add(mount.label());
        }
        FactoryReset reset = manifest.factoryReset();
        if (reset != null) {
            reset.reformat().forEach(reformat -> needed.add(reformat.label()));
        }
        steps.add(new FindPartitions(manifest.disk().device(), needed, manifest.disk().timeout()));

        if (reset != null) {
            steps.add(new ReadResetTriggers(reset.environment(), reset.variable(), reset.gpio()));
            for (Reformat reformat : reset.reformat()) {
                steps.add(new ReformatPartition(reformat.label(), reformat.type(), reformat.keep(), RESET_STAGING));
            }
            steps.add(new ClearResetRequest(reset.environment()));
        }

        int rootMountIndex = steps.size();
        steps.add(new MountFilesystem(new MountSource.Partition(rootLabel), newRoot, manifest.root().type(),
                manifest.root().options()));
        for (Mount mount : manifest.mounts()) {
            if (mount.fsck().mode() != FsckMode.SKIP) {
                steps.add(new CheckFilesystem(mount.label(), mount.type(), mount.fsck()));
            }
            steps.add(new MountFilesystem(new MountSource.Partition(mount.label()), mount.mountpoint().under(newRoot),
                    mount.type(), mount.options()));
        }

        List<AbsolutePath> directories = new ArrayList<>();
        for (AbsolutePath directory : manifest.directories()) {
            addOnce(directories, directory.under(newRoot));
        }
        for (Overlay overlay : manifest.overlays()) {
            addOnce(directories, overlay.upper().under(newRoot));
            addOnce(directories, overlay.work().under(newRoot));
        }
        if (!directories.isEmpty()) {
            steps.add(new MakeDirectories(directories));
        }
        for (Overlay overlay : manifest.overlays()) {
            AbsolutePath target = overlay.mountpoint().under(newRoot);
            steps.add(new EmptyWorkDirectory(overlay.work().under(newRoot), target));
            steps.add(new MountOverlay(target, overlay.lower().under(newRoot), overlay.upper().under(newRoot),
                    overlay.work().under(newRoot)));
        }

        List<AbsolutePath> apiMounts = manifest.apiFilesystems().stream().map(ApiFilesystem::mountpoint).toList();
        List<String> arguments = new ArrayList<>(manifest.init().arguments());
        arguments.addAll(commandLine.initArguments());
        steps.add(new SwitchRoot(newRoot, apiMounts, manifest.init().path(), arguments));
        return new Plan(steps, rootLabel, rootSource, rootMountIndex, Policies.describe(manifest, commandLine, rootLabel,
                steps));
    }

    /** The root label: the command line's last root=PARTLABEL=, or the manifest's default. */
    static PartitionLabel chooseRoot(Manifest manifest, KernelCommandLine commandLine) throws PlanException {
        Optional<String> root = commandLine.lastValue("root");
        if (root.isEmpty()) {
            return manifest.root().defaultLabel();
        }
        String value = root.get();
        if (!value.startsWith(ROOT_PREFIX)) {
            throw new PlanException("kernel command line root=" + value + " is not supported; use root=PARTLABEL=<label>"
                    + " with one of " + manifest.root().labels());
        }
        String label = value.substring(ROOT_PREFIX.length());
        String problem = PartitionLabel.problemWith(label);
        if (problem != null || label.contains("..")) {
            throw new PlanException("kernel command line root=" + value + " is invalid: "
                    + (problem != null ? problem : "a label must not contain .."));
        }
        PartitionLabel chosen = new PartitionLabel(label);
        if (!manifest.root().labels().contains(chosen)) {
            throw new PlanException("kernel command line root=" + value + " names " + label
                    + ", which is not one of the root labels " + manifest.root().labels() + " the manifest allows");
        }
        return chosen;
    }

    private static void addOnce(List<AbsolutePath> list, AbsolutePath path) {
        if (!list.contains(path)) {
            list.add(path);
        }
    }
}
