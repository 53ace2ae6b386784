package dev.manifestinit.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Enables {@link NeedsQemu} tests in CI always, and elsewhere only when their tools and a kernel are installed. */
final class QemuCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if ("true".equals(System.getenv("CI"))) {
            return ConditionEvaluationResult.enabled("CI runs every QEMU boot");
        }
        List<String> missing = new ArrayList<>();
        if (!onPath("qemu-system-x86_64")) {
            missing.add("qemu-system-x86_64 (package qemu-system-x86)");
        }
        if (!onPath("zstd")) {
            missing.add("zstd (package zstd)");
        }
        if (!kernelInstalled()) {
            missing.add("a kernel with modules, /boot/vmlinuz-RELEASE and /lib/modules/RELEASE"
                    + " (package linux-image-cloud-amd64)");
        }
        if (!missing.isEmpty()) {
            return ConditionEvaluationResult.disabled("QEMU boots need " + String.join(", ", missing)
                    + "; .ci/run installs them, and in CI these tests never skip");
        }
        return ConditionEvaluationResult.enabled("QEMU, zstd and a kernel are installed");
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String directory : path.split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
                return true;
            }
        }
        return false;
    }

    /** Looks for a kernel as src/qemu/run does: an image whose module directory has a modules.dep. */
    private static boolean kernelInstalled() {
        try (Stream<Path> images = Files.list(Path.of("/boot"))) {
            return images.map(image -> image.getFileName().toString())
                    .filter(name -> name.startsWith("vmlinuz-"))
                    .anyMatch(name -> Files.isRegularFile(
                            Path.of("/lib/modules", name.substring("vmlinuz-".length()), "modules.dep")));
        } catch (IOException e) {
            return false;
        }
    }
}
