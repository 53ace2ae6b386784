package dev.manifestinit.validation;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.manifest.ApiFilesystem;
import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.Mount;
import dev.manifestinit.manifest.Overlay;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rules on where things are mounted inside the new root: nothing is covered later by accident, by
 * the API filesystems that switch_root moves in or by an overlay, and paths are written as paths
 * inside the new root. Also checks the sizes in tmpfs options.
 */
final class PlacementRules {
    /** Paths where the target init expects the kernel's API filesystems. */
    private static final List<AbsolutePath> API_PATHS = List.of(new AbsolutePath("/dev"), new AbsolutePath("/proc"),
            new AbsolutePath("/sys"), new AbsolutePath("/run"));
    /** tmpfs(5) sizes: a number of bytes with a k, m or g suffix, or a percentage of memory. */
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,12})([kKmMgG%]?)");

    private final Manifest manifest;
    private final RuleFindings findings;

    PlacementRules(Manifest manifest, RuleFindings findings) {
        this.manifest = manifest;
        this.findings = findings;
    }

    void check() {
        List<Placed> placed = placedPaths();
        for (Placed entry : placed) {
            checkApiPaths(entry);
            checkWrittenInsideNewRoot(entry);
        }
        checkMountsCoveredByOverlays();
        checkSizes();
    }

    /** A mount point written in the manifest, with its manifest path and what is mounted there. */
    private record Placed(AbsolutePath mountpoint, String path, String what) {
    }

    private List<Placed> placedPaths() {
        List<Placed> placed = new ArrayList<>();
        for (int i = 0; i < manifest.mounts().size(); i++) {
            Mount mount = manifest.mounts().get(i);
            if (mount != null && mount.mountpoint() != null) {
                placed.add(new Placed(mount.mountpoint(), "$.mounts[" + i + "].mountpoint", "mount " + mount.label()));
            }
        }
        for (int i = 0; i < manifest.overlays().size(); i++) {
            Overlay overlay = manifest.overlays().get(i);
            if (overlay != null && overlay.mountpoint() != null) {
                placed.add(new Placed(overlay.mountpoint(), "$.overlays[" + i + "].mountpoint", "overlay"));
            }
        }
        return placed;
    }

    private void checkApiPaths(Placed entry) {
        if (manifest.apiFilesystems() != null) {
            for (ApiFilesystem api : manifest.apiFilesystems()) {
                if (api != null && api.mountpoint() != null && !api.mountpoint().isRoot()
                        && entry.mountpoint().isWithin(api.mountpoint())) {
                    findings.error(entry.path(), "the " + entry.what() + " on " + entry.mountpoint()
                            + " would be covered when switch_root moves the API filesystem " + api.mountpoint()
                            + " into the new root");
                    return;
                }
            }
        }
        for (AbsolutePath apiPath : API_PATHS) {
            if (entry.mountpoint().isWithin(apiPath)) {
                findings.warning(entry.path(), "the " + entry.mountpoint() + " of the " + entry.what() + " is where"
                        + " the target init expects the kernel's " + apiPath + "; list " + apiPath
                        + " under apiFilesystems or mount elsewhere");
                return;
            }
        }
    }

    /** Warns about a path such as /newroot/var, which is /newroot/newroot/var at boot, where /var was meant. */
    private void checkWrittenInsideNewRoot(Placed entry) {
        AbsolutePath newRoot = manifest.root() == null ? null : manifest.root().mountpoint();
        if (newRoot != null && !newRoot.isRoot() && entry.mountpoint().isWithin(newRoot)) {
            String meant = entry.mountpoint().value().substring(newRoot.value().length());
            findings.warning(entry.path(), "mount points are paths inside the new root, so " + entry.mountpoint()
                    + " is " + entry.mountpoint().under(newRoot) + " at boot; write " + (meant.isEmpty() ? "/" : meant)
                    + " to mean the new root's " + (meant.isEmpty() ? "/" : meant));
        }
    }

    /**
     * Overlays are mounted after every partition mount, so an overlay whose mount point contains
     * a partition mount covers it. That is intended only for the mount that contains the
     * overlay's own upper directory, as with an overlay over the whole root.
     */
    private void checkMountsCoveredByOverlays() {
        for (int i = 0; i < manifest.mounts().size(); i++) {
            Mount mount = manifest.mounts().get(i);
            if (mount == null || mount.mountpoint() == null) {
                continue;
            }
            for (int j = 0; j < manifest.overlays().size(); j++) {
                Overlay overlay = manifest.overlays().get(j);
                if (overlay == null || overlay.mountpoint() == null
                        || overlay.mountpoint().equals(mount.mountpoint())
                        || !mount.mountpoint().isWithin(overlay.mountpoint())) {
                    continue;
                }
                boolean holdsUpper = overlay.upper() != null && overlay.upper().isWithin(mount.mountpoint());
                if (!holdsUpper) {
                    findings.error("$.mounts[" + i + "].mountpoint", "mount point " + mount.mountpoint()
                            + " lies inside the overlay on " + overlay.mountpoint() + " ($.overlays[" + j
                            + "]), which is mounted after every partition and would cover it");
                }
            }
        }
    }

    private void checkSizes() {
        if (manifest.apiFilesystems() == null) {
            return;
        }
        for (int i = 0; i < manifest.apiFilesystems().size(); i++) {
            ApiFilesystem api = manifest.apiFilesystems().get(i);
            if (api == null || (api.type() != FilesystemType.TMPFS && api.type() != FilesystemType.DEVTMPFS)) {
                continue;
            }
            for (String option : api.options().written()) {
                if (option.startsWith("size=")) {
                    checkSize(option.substring("size=".length()), "$.apiFilesystems[" + i + "].options");
                }
            }
        }
    }

    private void checkSize(String size, String path) {
        Matcher matcher = SIZE.matcher(size);
        if (!matcher.matches()) {
            findings.error(path, "size=" + size + " is not a size; write a number with k, m or g, such as 64m,"
                    + " or a percentage of memory, such as 10%");
            return;
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2);
        if (amount == 0) {
            findings.warning(path, "size=" + size + " removes tmpfs's size limit, so writes can fill the memory");
        } else if (unit.isEmpty()) {
            findings.error(path, "size=" + size + " has no unit; write it with k, m or g, such as " + size
                    + "k, or as a percentage, such as 10%");
        } else if (unit.equals("%") && amount > 100) {
            findings.warning(path, "size=" + size + " is more than all of the memory");
        }
    }
}
