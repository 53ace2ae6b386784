package dev.manifestinit.steps;

import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.os.NativeException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Creates directories, with their missing parents, that do not exist yet. */
public final class MakeDirectories implements Step {
    private final List<AbsolutePath> directories;

    public MakeDirectories(List<AbsolutePath> directories) {
        this.directories = List.copyOf(directories);
    }

    @Override
    public String describe() {
        return directories.stream().map(AbsolutePath::value).collect(Collectors.joining(" "));
    }

    @Override
    public Outcome apply(StepContext context) throws StepFailure {
        List<String> created = new ArrayList<>();
        for (AbsolutePath directory : directories) {
            try {
                if (Directories.create(context.kernel(), directory)) {
                    created.add(directory.value());
                }
            } catch (NativeException e) {
                throw new StepFailure("cannot create directory " + directory, e);
            }
        }
        if (created.isEmpty()) {
            return Outcome.skipped("all directories exist");
        }
        return Outcome.done("created " + String.join(" ", created));
    }
}
