package dev.manifestinit.steps;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.os.FileStatus;
import dev.manifestinit.os.Kernel;
import dev.manifestinit.os.NativeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path inside the new root as the new root will see it after switch_root: an absolute
 * symbolic link target starts at the new root, and {@code ..} never climbs above it.
 */
final class InitResolver {
    /** The kernel gives up after 40 links in one lookup (MAXSYMLINKS); so do we. */
    private static final int MAX_LINKS = 40;

    private InitResolver() {
    }

    /** Returns the initramfs path of the file {@code path} names inside {@code root}. */
    static String resolve(Kernel kernel, AbsolutePath root, AbsolutePath path) throws StepFailure, NativeException {
        Deque<String> pending = new ArrayDeque<>(components(path.value()));
        List<String> resolved = new ArrayList<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String component = pending.pollFirst();
            if (component.isEmpty() || component.equals(".")) {
                continue;
            }
            if (component.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.remove(resolved.size() - 1);
                }
                continue;
            }
            resolved.add(component);
            String current = join(root, resolved);
            FileStatus status = kernel.status(current, false);
            if (status == null || !status.isSymbolicLink()) {
                continue;
            }
            if (++links > MAX_LINKS) {
                throw new StepFailure("target init " + path + " has more than " + MAX_LINKS
                        + " symbolic links in its path inside " + root);
            }
            String target;
            try {
                target = Files.readSymbolicLink(Path.of(current)).toString();
            } catch (IOException e) {
                throw new StepFailure("cannot read the symbolic link " + current, e);
            }
            resolved.remove(resolved.size() - 1);
            if (target.startsWith("/")) {
                resolved.clear();
            }
            List<String> targetComponents = components(target);
            for (int i = targetComponents.size() - 1; i >= 0; i--) {
                pending.addFirst(targetComponents.get(i));
            }
        }
        return join(root, resolved);
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

    private static String join(AbsolutePath root, List<String> components) {
        String inside = "/" + String.join("/", components);
        return root.isRoot() ? inside : root.value() + (components.isEmpty() ? "" : inside);
    }
}
