package dev.manifestinit.validation;

import dev.manifestinit.manifest.FactoryReset;
import dev.manifestinit.manifest.FailureAction;
import dev.manifestinit.manifest.FilesystemType;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.Mount;
import dev.manifestinit.manifest.OnFailure;
import dev.manifestinit.manifest.PartitionLabel;
import dev.manifestinit.manifest.Reformat;
import dev.manifestinit.manifest.ResetGpio;
import dev.manifestinit.manifest.Shell;
import dev.manifestinit.manifest.ShellAccess;
import dev.manifestinit.manifest.SourceMap;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cross-field rules of the shell, the failure policy and the factory reset. Like
 * {@link ManifestRules}, a value that failed to load is null here and its rules are skipped.
 */
final class PolicyRules {
    /** mkfs.ext2, .ext3 and .ext4 are the formats a reset can make; all come from e2fsprogs. */
    private static final Set<FilesystemType> FORMATTABLE =
            EnumSet.of(FilesystemType.EXT2, FilesystemType.EXT3, FilesystemType.EXT4);
    /** GPIO_MAX_NAME_SIZE in linux/gpio.h is 32 bytes, including the terminating NUL. */
    private static final int MAX_GPIO_NAME_BYTES = 31;

    private final Manifest manifest;
    private final SourceMap positions;
    private final Set<String> failedPaths;
    private final List<Finding> findings;

    PolicyRules(Manifest manifest, SourceMap positions, Set<String> failedPaths, List<Finding> findings) {
        this.manifest = manifest;
        this.positions = positions;
        this.failedPaths = failedPaths;
        this.findings = findings;
    }

    void check() {
        checkShell(manifest.shell());
        checkOnFailure(manifest.onFailure());
        if (manifest.factoryReset() != null) {
            checkFactoryReset(manifest.factoryReset());
        }
    }

    private void checkShell(Shell shell) {
        if (shell.allow() == ShellAccess.FLAG) {
            if (shell.flag() == null || shell.flag().isEmpty()) {
                error("$.shell.flag", "flag is required with allow: flag; name the kernel command line option"
                        + " that enables the shell, such as manifest-init.shell");
            } else if (!isCommandLineWord(shell.flag())) {
                error("$.shell.flag", "flag '" + shell.flag() + "' must be one kernel command line word,"
                        + " without spaces, quotes or control characters");
            }
        } else if (shell.flag() != null && shell.allow() != null) {
            warning("$.shell.flag", "flag is ignored because allow is " + shell.allow() + ", not flag");
        }
    }

    private void checkOnFailure(OnFailure onFailure) {
        FailureAction action = onFailure.action();
        FailureAction withoutShell = onFailure.withoutShell();
        if (action == FailureAction.EMERGENCY_SHELL) {
            if (withoutShell == null && !failedPaths.contains("$.onFailure.withoutShell")) {
                error("$.onFailure.withoutShell", "withoutShell is required with action emergency-shell:"
                        + " reboot or power-off, for a boot where the shell is not allowed or not in the initramfs");
            }
            if (manifest.shell().allow() == ShellAccess.NEVER && withoutShell != null) {
                warning("$.onFailure.action", "the shell is never allowed (shell.allow is never or there is no"
                        + " shell key), so a failure always leads to " + withoutShell);
            }
        } else if (withoutShell != null) {
            warning("$.onFailure.withoutShell", "withoutShell is ignored because action is " + action
                    + ", not emergency-shell");
        }
        if (withoutShell == FailureAction.EMERGENCY_SHELL) {
            error("$.onFailure.withoutShell", "withoutShell must be reboot or power-off");
        }
        if (onFailure.otherSide() && manifest.root() != null && manifest.root().labels() != null
                && manifest.root().labels().size() < 2) {
            error("$.onFailure.otherSide", "otherSide needs at least two root labels, but root.labels is "
                    + manifest.root().labels());
        }
    }

    private void checkFactoryReset(FactoryReset reset) {
        String path = "$.factoryReset";
        if (reset.variable() == null && reset.gpio() == null && !failedPaths.contains(path + ".gpio")) {
            error(path, "a factory reset needs a trigger: variable, gpio or both");
        }
        if (reset.variable() != null) {
            checkVariableName(reset.variable(), path + ".variable");
        }
        ResetGpio gpio = reset.gpio();
        if (gpio != null) {
            if (gpio.line() != null && gpio.line().getBytes(StandardCharsets.UTF_8).length > MAX_GPIO_NAME_BYTES) {
                error(path + ".gpio.line", "GPIO line name '" + gpio.line() + "' is longer than the kernel's "
                        + MAX_GPIO_NAME_BYTES + " bytes");
            }
            if (gpio.storedIn() != null) {
                checkVariableName(gpio.storedIn(), path + ".gpio.storedIn");
            }
        }
        if (reset.reformat() == null) {
            return;
        }
        Map<PartitionLabel, Integer> seen = new HashMap<>();
        for (int i = 0; i < reset.reformat().size(); i++) {
            Reformat reformat = reset.reformat().get(i);
            if (reformat != null) {
                checkReformat(reformat, path + ".reformat[" + i + "]", seen, i);
            }
        }
    }

    private void checkReformat(Reformat reformat, String path, Map<PartitionLabel, Integer> seen, int index) {
        PartitionLabel label = reformat.label();
        if (label != null) {
            Integer earlier = seen.putIfAbsent(label, index);
            if (earlier != null) {
                error(path + ".label", "label " + label + " is already formatted by $.factoryReset.reformat["
                        + earlier + "]");
            }
            if (manifest.disk() != null && manifest.disk().partitions() != null
                    && !manifest.disk().partitions().contains(label)) {
                error(path + ".label", "label " + label + " is not declared in $.disk.partitions "
                        + manifest.disk().partitions() + "; a reset formats only partitions of the manifest's disk");
            }
            if (manifest.root() != null && manifest.root().labels() != null && manifest.root().labels().contains(label)) {
                error(path + ".label", "label " + label + " is a root side; a factory reset never formats code");
            }
        }
        if (reformat.type() != null && !FORMATTABLE.contains(reformat.type())) {
            error(path + ".type", "a reset can format ext2, ext3 or ext4, not " + reformat.type());
        }
        for (Mount mount : manifest.mounts()) {
            if (mount != null && label != null && label.equals(mount.label()) && mount.type() != null
                    && reformat.type() != null && mount.type() != reformat.type()) {
                error(path + ".type", "type " + reformat.type() + " differs from the type " + mount.type()
                        + " that mounts " + label);
            }
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < reformat.keep().size(); i++) {
            String name = reformat.keep().get(i);
            String keepPath = path + ".keep[" + i + "]";
            if (name == null) {
                continue;
            }
            if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                    || name.indexOf('\0') >= 0) {
                error(keepPath, "keep '" + name + "' must be the name of a file at the top of the filesystem,"
                        + " without /, such as hostfw-a");
            } else if (!names.add(name)) {
                error(keepPath, "keep lists '" + name + "' twice");
            }
        }
    }

    /** u-boot stores name=value pairs separated by NUL, so a name cannot hold '=' or NUL. */
    private void checkVariableName(String name, String path) {
        if (name.isEmpty()) {
            error(path, "a u-boot variable name must not be empty");
            return;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '=' || c <= ' ' || c == 0x7f) {
                error(path, "u-boot variable name '" + name + "' must not contain '=', spaces or control characters");
                return;
            }
        }
    }

    private static boolean isCommandLineWord(String word) {
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c <= ' ' || c == '"' || c == 0x7f) {
                return false;
            }
        }
        return true;
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
