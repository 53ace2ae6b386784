package dev.manifestinit.validation;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.ApiFilesystem;
import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.manifest.FsckAction;
import dev.manifestinit.manifest.FsckMode;
import dev.manifestinit.manifest.FsckOutcome;
import dev.manifestinit.manifest.FsckPolicy;
import dev.manifestinit.manifest.KernelModule;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.Mount;
import dev.manifestinit.manifest.Overlay;
import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.manifest.SourceMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rules that relate several values of a manifest: labels used against labels declared, mount
 * order, where overlay directories live. A value that failed to load is null here and its rules
 * are skipped, since the loader already reported it.
 */
final class ManifestRules {
    private static final Set<FilesystemType> API_TYPES =
            EnumSet.of(FilesystemType.DEVTMPFS, FilesystemType.SYSFS, FilesystemType.PROC, FilesystemType.TMPFS);
    private static final Set<FilesystemType> CHECKABLE =
            EnumSet.of(FilesystemType.EXT2, FilesystemType.EXT3, FilesystemType.EXT4);
    /** Waits from here on are legal but hold a boot without its disk for a long time. */
    private static final Duration LONG_WAIT = Duration.ofMinutes(10);
    /** No disk takes this long to appear; a longer wait is a mistaken unit, such as 5h for 5s. */
    private static final Duration MAX_WAIT = Duration.ofHours(1);
    /** Shorter waits are likely a mistaken unit, such as 5ms for 5s. */
    private static final Duration SHORT_WAIT = Duration.ofMillis(100);
    /** A module parameter as the kernel parses it, without the quoting that would allow spaces. */
    private static final Pattern MODULE_PARAMETER = Pattern.compile("[A-Za-z0-9_-]+(=[^\\s\"]*)?");
    private static final List<String> COMPRESSED_MODULE_SUFFIXES = List.of(".ko.xz", ".ko.zst", ".ko.gz");

    private final Manifest manifest;
    private final SourceMap positions;
    private final Set<String> failedPaths;
    private final List<Finding> findings = new ArrayList<>();

    ManifestRules(Manifest manifest, SourceMap positions, Set<String> failedPaths) {
        this.manifest = manifest;
        this.positions = positions;
        this.failedPaths = failedPaths;
    }

    List<Finding> check() {
        checkApiFilesystems();
        checkKernelModules();
        checkDisk();
        checkRoot();
        checkMounts();
        checkDirectories();
        checkOverlays();
        checkInit();
        new PolicyRules(manifest, positions, failedPaths, findings).check();
        return findings;
    }

    private void checkApiFilesystems() {
        if (manifest.apiFilesystems() == null) {
            return;
        }
        Map<AbsolutePath, Integer> seen = new HashMap<>();
        for (int i = 0; i < manifest.apiFilesystems().size(); i++) {
            ApiFilesystem api = manifest.apiFilesystems().get(i);
            String path = "$.apiFilesystems[" + i + "]";
            if (api == null) {
                continue;
            }
            if (api.type() != null && !API_TYPES.contains(api.type())) {
                error(path + ".type", "an API filesystem is devtmpfs, sysfs, proc or tmpfs, not " + api.type()
                        + "; mount partitions under mounts");
            }
            if (api.mountpoint() != null) {
                Integer earlier = seen.putIfAbsent(api.mountpoint(), i);
                if (earlier != null) {
                    error(path + ".mountpoint", "mount point " + api.mountpoint()
                            + " is already used by $.apiFilesystems[" + earlier + "]");
                }
                if (api.mountpoint().isRoot()) {
                    error(path + ".mountpoint", "an API filesystem cannot be mounted on /");
                }
            }
        }
    }

    private void checkKernelModules() {
        Map<String, Integer> seen = new HashMap<>();
        List<KernelModule> modules = manifest.kernelModules();
        for (int i = 0; i < modules.size(); i++) {
            KernelModule module = modules.get(i);
            String path = "$.kernelModules[" + i + "]";
            if (module == null || module.path() == null) {
                continue;
            }
            String file = module.path().value();
            if (COMPRESSED_MODULE_SUFFIXES.stream().anyMatch(file::endsWith)) {
                // finit_module takes a compressed file only with MODULE_INIT_COMPRESSED_FILE, which
                // Linux 5.17 added and only kernels built with CONFIG_MODULE_DECOMPRESS accept.
                error(path + ".path", "module " + file + " is compressed; decompress it when the image is"
                        + " built and name the .ko file, because finit_module loads compressed modules only"
                        + " on kernels built with CONFIG_MODULE_DECOMPRESS");
                continue;
            }
            if (!file.endsWith(KernelModule.SUFFIX)) {
                error(path + ".path", "expected a kernel module file ending in .ko, got " + file);
                continue;
            }
            Integer earlier = seen.putIfAbsent(module.name(), i);
            if (earlier != null) {
                error(path + ".path", "module " + module.name() + " is already loaded by $.kernelModules["
                        + earlier + "]");
            }
            for (int j = 0; j < module.parameters().size(); j++) {
                String parameter = module.parameters().get(j);
                if (parameter != null && !MODULE_PARAMETER.matcher(parameter).matches()) {
                    error(path + ".parameters[" + j + "]", "invalid module parameter '" + parameter
                            + "': expected name or name=value, without spaces or quotes");
                }
            }
        }
    }

    private void checkDisk() {
        if (manifest.disk() == null || manifest.disk().partitions() == null) {
            return;
        }
        Map<PartitionLabel, Integer> seen = new HashMap<>();
        List<PartitionLabel> partitions = manifest.disk().partitions();
        for (int i = 0; i < partitions.size(); i++) {
            PartitionLabel label = partitions.get(i);
            if (label != null && seen.putIfAbsent(label, i) != null) {
                error("$.disk.partitions[" + i + "]", "label " + label + " is listed twice");
            }
        }
        checkFormattable();
        Duration timeout = manifest.disk().timeout();
        if (timeout == null) {
            return;
        }
        if (timeout.isZero()) {
            error("$.disk.wait", "wait must be longer than 0; the device and its partitions need time to appear");
        } else if (timeout.compareTo(MAX_WAIT) > 0) {
            error("$.disk.wait", "wait of " + timeout.toMinutes() + " min is over the limit of 1 h;"
                    + " a missing disk would hold the boot that long");
        } else if (timeout.compareTo(LONG_WAIT) >= 0) {
            warning("$.disk.wait", "wait of " + timeout.toSeconds() + " s is 10 minutes or more;"
                    + " a missing disk would hold the boot that long");
        } else if (timeout.compareTo(SHORT_WAIT) < 0) {
            warning("$.disk.wait", "wait of " + timeout.toMillis() + " ms is under 100 ms;"
                    + " a disk that appears a little late would fail the boot");
        }
    }

    /**
     * Checks that a formattable partition is declared, listed once, and never a root side, which
     * contains the system.
     */
    private void checkFormattable() {
        List<PartitionLabel> formattable = manifest.disk().formattable();
        Map<PartitionLabel, Integer> seen = new HashMap<>();
        for (int i = 0; i < formattable.size(); i++) {
            PartitionLabel label = formattable.get(i);
            String path = "$.disk.formattable[" + i + "]";
            if (label == null) {
                continue;
            }
            if (seen.putIfAbsent(label, i) != null) {
                error(path, "label " + label + " is listed twice");
            }
            List<PartitionLabel> rootLabels = manifest.root() == null ? null : manifest.root().labels();
            if (rootLabels != null && rootLabels.contains(label)) {
                error(path, "label " + label + " is a root side, which must never be formatted by the init");
            }
        }
    }

    private void checkRoot() {
        if (manifest.root() == null) {
            return;
        }
        List<PartitionLabel> labels = manifest.root().labels();
        if (labels != null) {
            PartitionLabel fallback = manifest.root().defaultLabel();
            if (fallback != null && !labels.contains(fallback)) {
                error("$.root.default", "default " + fallback + " is not one of the root labels " + labels);
            }
        }
        FilesystemType type = manifest.root().type();
        if (type != null && !type.onBlockDevice()) {
            error("$.root.type", "the root is a partition, so its type must be a disk filesystem such as ext4, not "
                    + type);
        }
        AbsolutePath mountpoint = manifest.root().mountpoint();
        if (mountpoint != null) {
            if (mountpoint.isRoot()) {
                error("$.root.mountpoint", "the new root is mounted below the initramfs root, such as /newroot, not on /");
            }
            if (manifest.apiFilesystems() != null) {
                for (ApiFilesystem api : manifest.apiFilesystems()) {
                    if (api != null && api.mountpoint() != null
                            && (mountpoint.isWithin(api.mountpoint()) || api.mountpoint().isWithin(mountpoint))) {
                        error("$.root.mountpoint", "the new root at " + mountpoint
                                + " overlaps the API filesystem at " + api.mountpoint());
                    }
                }
            }
        }
    }

    private void checkMounts() {
        List<Mount> mounts = manifest.mounts();
        Map<AbsolutePath, String> mountpoints = new HashMap<>();
        for (int i = 0; i < mounts.size(); i++) {
            Mount mount = mounts.get(i);
            String path = "$.mounts[" + i + "]";
            if (mount == null) {
                continue;
            }
            if (mount.label() != null && manifest.root() != null && manifest.root().labels() != null
                    && manifest.root().labels().contains(mount.label())) {
                error(path + ".label", "label " + mount.label() + " is a root side and cannot also be mounted");
            }
            if (mount.type() != null && !mount.type().onBlockDevice()) {
                error(path + ".type", "a partition mount needs a disk filesystem such as ext4, not " + mount.type());
            }
            checkFsck(mount, path);
            AbsolutePath mountpoint = mount.mountpoint();
            if (mountpoint == null) {
                continue;
            }
            if (mountpoint.isRoot()) {
                error(path + ".mountpoint", "/ is the root partition's place; mount this partition below it");
                continue;
            }
            String earlier = mountpoints.putIfAbsent(mountpoint, path);
            if (earlier != null) {
                error(path + ".mountpoint", "mount point " + mountpoint + " is already used by " + earlier);
            }
            for (int j = i + 1; j < mounts.size(); j++) {
                Mount later = mounts.get(j);
                if (later != null && later.mountpoint() != null && !later.mountpoint().equals(mountpoint)
                        && mountpoint.isWithin(later.mountpoint())) {
                    error(path + ".mountpoint", "mount point " + mountpoint + " lies inside " + later.mountpoint()
                            + ", which is mounted later by $.mounts[" + j + "]; list the outer mount first");
                }
            }
        }
    }

    /**
     * Checks that the fsck mode suits the type and that every outcome the mode can have has an
     * action that can be carried out on this mount.
     */
    private void checkFsck(Mount mount, String path) {
        FsckPolicy fsck = mount.fsck();
        String fsckPath = path + ".fsck";
        if (fsck.mode() == null) {
            return;
        }
        if (mount.type() != null && fsck.mode() != FsckMode.SKIP && !CHECKABLE.contains(mount.type())) {
            error(fsckPath + ".mode", "fsck " + fsck.mode() + " is supported for ext2, ext3 and ext4, not "
                    + mount.type() + "; use skip");
        }
        for (FsckOutcome outcome : FsckOutcome.values()) {
            String actionPath = fsckPath + "." + outcome.key();
            FsckAction action = fsck.action(outcome).orElse(null);
            boolean possible = fsck.mode().outcomes().contains(outcome);
            if (possible && action == null && !failedPaths.contains(actionPath)) {
                error(fsckPath, "fsck mode " + fsck.mode() + " can end with " + outcome.description() + ", so "
                        + outcome.key() + " is required: continue, readOnly, emergency, reboot or reformat");
            }
            if (action == null) {
                continue;
            }
            if (!possible) {
                error(actionPath, outcome.key() + " has no effect with fsck mode " + fsck.mode()
                        + ", which runs no check; remove it");
            } else if (action == FsckAction.REFORMAT) {
                checkReformat(mount, actionPath);
            } else if (action == FsckAction.READ_ONLY) {
                checkReadOnly(mount, actionPath);
            } else if (action == FsckAction.CONTINUE && outcome == FsckOutcome.FAILED) {
                warning(actionPath, "continue mounts " + mount.label() + " unchecked when fsck fails (exit status 8,"
                        + " 16 or 32, or a signal); the failure is still logged as an error");
            }
        }
    }

    private void checkReformat(Mount mount, String actionPath) {
        if (mount.label() != null && manifest.disk() != null
                && !manifest.disk().formattable().contains(mount.label())) {
            error(actionPath, "reformat formats " + mount.label() + ", so $.disk.formattable must list "
                    + mount.label());
        }
    }

    /** readOnly leaves the mount read-only, which fails every directory and overlay that the boot writes there. */
    private void checkReadOnly(Mount mount, String actionPath) {
        if (mount.mountpoint() == null) {
            return;
        }
        List<String> writers = new ArrayList<>();
        for (int i = 0; i < manifest.directories().size(); i++) {
            AbsolutePath directory = manifest.directories().get(i);
            if (directory != null && holdingMount(directory) == mount) {
                writers.add("$.directories[" + i + "] " + directory);
            }
        }
        for (int i = 0; i < manifest.overlays().size(); i++) {
            Overlay overlay = manifest.overlays().get(i);
            if (overlay != null && overlay.upper() != null && holdingMount(overlay.upper()) == mount) {
                writers.add("$.overlays[" + i + "].upper " + overlay.upper());
            }
        }
        if (!writers.isEmpty()) {
            error(actionPath, "readOnly leaves " + mount.mountpoint() + " read-only, but the boot writes to it: "
                    + String.join(", ", writers) + "; choose another action");
        }
    }

    private void checkDirectories() {
        for (int i = 0; i < manifest.directories().size(); i++) {
            AbsolutePath directory = manifest.directories().get(i);
            if (directory != null) {
                requireWritable(directory, "$.directories[" + i + "]", "directory " + directory);
            }
        }
    }

    private void checkOverlays() {
        List<Overlay> overlays = manifest.overlays();
        Map<AbsolutePath, String> mountpoints = new HashMap<>();
        for (Mount mount : manifest.mounts()) {
            if (mount != null && mount.mountpoint() != null) {
                mountpoints.put(mount.mountpoint(), "a partition mount");
            }
        }
        for (int i = 0; i < overlays.size(); i++) {
            Overlay overlay = overlays.get(i);
            String path = "$.overlays[" + i + "]";
            if (overlay == null || overlay.upper() == null || overlay.work() == null) {
                continue;
            }
            if (overlay.mountpoint() != null) {
                String earlier = mountpoints.putIfAbsent(overlay.mountpoint(), path);
                if (earlier != null) {
                    error(path + ".mountpoint", "mount point " + overlay.mountpoint() + " is already used by " + earlier);
                }
            }
            requireWritable(overlay.upper(), path + ".upper", "upper " + overlay.upper());
            Mount upperMount = holdingMount(overlay.upper());
            Mount workMount = holdingMount(overlay.work());
            if (upperMount != workMount) {
                error(path + ".work", "work must be on the same filesystem as upper ("
                        + describe(upperMount) + "), but it is on " + describe(workMount));
            }
            if (overlay.upper().equals(overlay.work())) {
                error(path + ".work", "work and upper must be different directories, both are " + overlay.work());
            } else if (overlay.work().isWithin(overlay.upper()) || overlay.upper().isWithin(overlay.work())) {
                error(path + ".work", "work " + overlay.work() + " and upper " + overlay.upper()
                        + " must not lie inside each other; overlayfs rejects that");
            }
            // overlayfs rejects layers that overlap on one filesystem. Across a mount, such as an
            // upper on /var under a lower of /, the paths nest but the layers do not overlap.
            if (overlay.lower() != null) {
                Mount lowerMount = holdingMount(overlay.lower());
                if (overlay.upper().isWithin(overlay.lower()) && upperMount == lowerMount) {
                    error(path + ".upper", "upper " + overlay.upper() + " must not lie inside lower " + overlay.lower()
                            + " on the same filesystem");
                }
                if (overlay.work().isWithin(overlay.lower()) && workMount == lowerMount) {
                    error(path + ".work", "work " + overlay.work() + " must not lie inside lower " + overlay.lower()
                            + " on the same filesystem");
                }
            }
        }
    }

    private void checkInit() {
        if (manifest.init() != null && manifest.init().path() != null && manifest.init().path().isRoot()) {
            error("$.init.path", "init must be a program such as /sbin/init, not /");
        }
    }

    /** The last-listed partition mount holding {@code path}, or null for the root partition. */
    private Mount holdingMount(AbsolutePath path) {
        Mount holder = null;
        for (Mount mount : manifest.mounts()) {
            if (mount != null && mount.mountpoint() != null && path.isWithin(mount.mountpoint())
                    && (holder == null || mount.mountpoint().isWithin(holder.mountpoint()))) {
                holder = mount;
            }
        }
        return holder;
    }

    private void requireWritable(AbsolutePath target, String path, String what) {
        Mount holder = holdingMount(target);
        if (holder == null) {
            boolean rootReadOnly = manifest.root() == null || manifest.root().options().readOnly();
            if (rootReadOnly) {
                error(path, what + " is on the read-only root; put it below a writable mount such as /var");
            }
        } else if (holder.options().readOnly()) {
            error(path, what + " is on " + holder.mountpoint() + ", which is mounted read-only");
        }
    }

    private static String describe(Mount mount) {
        return mount == null ? "the root partition" : mount.mountpoint() + " (" + mount.label() + ")";
    }

    private void error(String path, String message) {
        add(Severity.ERROR, path, message);
    }

    private void warning(String path, String message) {
        add(Severity.WARNING, path, message);
    }

    private void add(Severity severity, String path, String message) {
        if (failedPaths.contains(path)) {
            return;
        }
        SourceMap.Position position = positions.find(path);
        findings.add(new Finding(severity, position.file(), position.line(), position.column(), path, message));
    }
}
