package dev.manifestinit.validation;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.ApiFilesystem;
import dev.manifestinit.manifest.LoadedManifest;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.Mount;
import dev.manifestinit.manifest.Overlay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a manifest against the root filesystem an image build produced, a directory on the build
 * host: the target init is an executable file there, and the mount points and overlay lower
 * directories on the read-only root exist, because the boot cannot create them. Paths inside a
 * partition mount are not in the image and are not checked.
 */
public final class RootfsChecks {
    /** The kernel gives up after 40 symbolic links in one lookup (MAXSYMLINKS); so do we. */
    private static final int MAX_LINKS = 40;
    private static final Set<PosixFilePermission> EXECUTE = EnumSet.of(PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);

    private final Manifest manifest;
    private final Path rootfs;
    private final RuleFindings findings;

    private RootfsChecks(LoadedManifest loaded, Path rootfs) {
        this.manifest = loaded.manifest();
        this.rootfs = rootfs;
        this.findings = new RuleFindings(loaded.positions(), loaded.failedPaths());
    }

    /** Returns the findings of {@code loaded} against the root filesystem in directory {@code rootfs}. */
    public static List<Finding> check(LoadedManifest loaded, Path rootfs) {
        if (loaded.manifest() == null) {
            return List.of();
        }
        RootfsChecks checks = new RootfsChecks(loaded, rootfs);
        checks.checkInit();
        checks.checkMountpoints();
        checks.checkOverlayLowers();
        return checks.findings.findings();
    }

    private void checkInit() {
        if (manifest.init() == null || manifest.init().path() == null || !inImage(manifest.init().path())) {
            return;
        }
        AbsolutePath init = manifest.init().path();
        String path = "$.init.path";
        Resolved resolved = resolve(init);
        if (resolved.missing() != null) {
            findings.error(path, "target init " + init + " not found in the root filesystem: "
                    + resolved.missing() + " does not exist" + resolved.via());
            return;
        }
        if (resolved.tooManyLinks()) {
            findings.error(path, "target init " + init + " has more than " + MAX_LINKS
                    + " symbolic links in its path in " + rootfs);
            return;
        }
        Path file = resolved.path();
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            findings.error(path, "cannot read the target init " + file + ": " + e.getMessage());
            return;
        }
        if (!attributes.isRegularFile()) {
            findings.error(path, "target init " + init + " is not a regular file: " + file + resolved.via()
                    + " is a " + (attributes.isDirectory() ? "directory" : "special file"));
        } else if (attributes.permissions().stream().noneMatch(EXECUTE::contains)) {
            findings.error(path, "target init " + init + " is not executable: " + file + resolved.via()
                    + " has no execute permission");
        } else if (attributes.size() == 0) {
            findings.error(path, "target init " + init + " is empty: " + file + resolved.via());
        }
    }

    private void checkMountpoints() {
        for (int i = 0; i < manifest.mounts().size(); i++) {
            Mount mount = manifest.mounts().get(i);
            if (mount != null && mount.mountpoint() != null) {
                requireDirectory(mount.mountpoint(), "$.mounts[" + i + "].mountpoint", "mount point", true);
            }
        }
        for (int i = 0; i < manifest.overlays().size(); i++) {
            Overlay overlay = manifest.overlays().get(i);
            if (overlay != null && overlay.mountpoint() != null) {
                requireDirectory(overlay.mountpoint(), "$.overlays[" + i + "].mountpoint", "overlay mount point", true);
            }
        }
        if (manifest.apiFilesystems() != null) {
            for (int i = 0; i < manifest.apiFilesystems().size(); i++) {
                ApiFilesystem api = manifest.apiFilesystems().get(i);
                if (api != null && api.mountpoint() != null && !api.mountpoint().isRoot()) {
                    requireDirectory(api.mountpoint(), "$.apiFilesystems[" + i + "].mountpoint",
                            "directory that switch_root moves " + api.mountpoint() + " to,", false);
                }
            }
        }
    }

    private void checkOverlayLowers() {
        for (int i = 0; i < manifest.overlays().size(); i++) {
            Overlay overlay = manifest.overlays().get(i);
            if (overlay != null && overlay.lower() != null) {
                requireDirectory(overlay.lower(), "$.overlays[" + i + "].lower", "overlay lower directory", true);
            }
        }
    }

    /**
     * Requires {@code target} to be a directory in the image when it lies on the root partition.
     *
     * @param beforeSwitch whether the initramfs uses the path before switch_root, where an absolute
     *     symbolic link resolves against the initramfs instead of the new root
     */
    private void requireDirectory(AbsolutePath target, String path, String what, boolean beforeSwitch) {
        if (!inImage(target)) {
            return;
        }
        Resolved resolved = resolve(target);
        if (resolved.missing() != null) {
            findings.error(path, what + " " + target + " does not exist in the root filesystem: "
                    + resolved.missing() + " is missing" + resolved.via()
                    + "; the read-only root cannot get it at boot, so create it in the image");
        } else if (resolved.tooManyLinks()) {
            findings.error(path, what + " " + target + " has more than " + MAX_LINKS
                    + " symbolic links in its path in " + rootfs);
        } else if (!Files.isDirectory(resolved.path(), LinkOption.NOFOLLOW_LINKS)) {
            findings.error(path, what + " " + target + " is not a directory in the root filesystem: "
                    + resolved.path() + resolved.via());
        } else if (beforeSwitch && resolved.absoluteLink() != null) {
            findings.error(path, what + " " + target + " passes the symbolic link " + resolved.absoluteLink()
                    + " with an absolute target, which the boot follows inside the initramfs before switch_root;"
                    + " write the real directory " + inside(resolved.path()));
        }
    }

    /** Whether {@code target} is on the root partition, not inside a partition mount. */
    private boolean inImage(AbsolutePath target) {
        for (Mount mount : manifest.mounts()) {
            if (mount != null && mount.mountpoint() != null && !target.equals(mount.mountpoint())
                    && target.isWithin(mount.mountpoint())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The result of looking a path up inside the root filesystem.
     *
     * @param path the file the path names, inside {@code rootfs}, when every component exists
     * @param missing the first component that does not exist, or null
     * @param absoluteLink the first symbolic link passed whose target is absolute, or null
     * @param via " (through LINK)" naming the first symbolic link passed, or an empty string
     */
    private record Resolved(Path path, Path missing, boolean tooManyLinks, Path absoluteLink, String via) {
    }

    /**
     * Looks {@code target} up as the running system will: symbolic links are followed, an absolute
     * link target starts again at {@code rootfs}, and {@code ..} never climbs above it.
     */
    private Resolved resolve(AbsolutePath target) {
        Deque<String> pending = new ArrayDeque<>(components(target.value()));
        List<String> resolved = new ArrayList<>();
        int links = 0;
        Path firstLink = null;
        Path absoluteLink = null;
        while (!pending.isEmpty()) {
            String component = pending.pollFirst();
            if (component.equals(".")) {
                continue;
            }
            if (component.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.remove(resolved.size() - 1);
                }
                continue;
            }
            resolved.add(component);
            Path current = join(resolved);
            String via = firstLink == null ? "" : " (through the symbolic link " + firstLink + ")";
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                return new Resolved(null, current, false, absoluteLink, via);
            }
            if (!Files.isSymbolicLink(current)) {
                continue;
            }
            if (++links > MAX_LINKS) {
                return new Resolved(null, null, true, absoluteLink, via);
            }
            String link;
            try {
                link = Files.readSymbolicLink(current).toString();
            } catch (IOException e) {
                return new Resolved(null, current, false, absoluteLink, via);
            }
            if (firstLink == null) {
                firstLink = current;
            }
            resolved.remove(resolved.size() - 1);
            if (link.startsWith("/")) {
                if (absoluteLink == null) {
                    absoluteLink = current;
                }
                resolved.clear();
            }
            List<String> linkComponents = components(link);
            for (int i = linkComponents.size() - 1; i >= 0; i--) {
                pending.addFirst(linkComponents.get(i));
            }
        }
        String via = firstLink == null ? "" : " (through the symbolic link " + firstLink + ")";
        return new Resolved(join(resolved), null, false, absoluteLink, via);
    }

    private Path join(List<String> components) {
        Path path = rootfs;
        for (String component : components) {
            path = path.resolve(component);
        }
        return path;
    }

    /** The path inside the root filesystem of {@code file}, which lies in {@code rootfs}. */
    private String inside(Path file) {
        return "/" + rootfs.relativize(file).toString();
    }

    private static List<String> components(String path) {
        List<String> components = new ArrayList<>();
        for (String component : path.split("/")) {
            if (!component.isEmpty()) {
                components.add(component);
            }
        }
        return components;
    }
}
