package dev.manifestinit.steps;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.os.FileStatus;
import dev.manifestinit.os.Kernel;
import dev.manifestinit.os.NativeException;
import java.util.ArrayDeque;
import java.util.Deque;

/** Creates directories with their missing parents, as mkdir -p does. */
final class Directories {
    private Directories() {
    }

    /** Creates {@code path} and its missing parents with mode 0755; returns whether it created any. */
    static boolean create(Kernel kernel, AbsolutePath path) throws NativeException, StepFailure {
        Deque<AbsolutePath> missing = new ArrayDeque<>();
        AbsolutePath current = path;
        while (!current.isRoot()) {
            FileStatus status = kernel.status(current.value(), true);
            if (status != null) {
                if (!status.isDirectory()) {
                    throw new StepFailure(current + " exists but is not a directory");
                }
                break;
            }
            missing.push(current);
            current = current.parent();
        }
        boolean created = !missing.isEmpty();
        while (!missing.isEmpty()) {
            kernel.makeDirectory(missing.pop().value(), 0755);
        }
        return created;
    }
}
