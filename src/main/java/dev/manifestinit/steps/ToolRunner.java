package dev.manifestinit.steps;

import java.util.List;

/** Runs an external program, such as fsck, to completion. */
public interface ToolRunner {

    /**
     * The outcome of one run.
     *
     * @param exitStatus the exit status, or -1 when a signal ended the program
     * @param signal the signal number that ended it, or 0
     * @param output standard output and standard error together
     */
    record Result(int exitStatus, int signal, String output) {
    }

    /**
     * Finds {@code program} in the runner's search path, the initramfs's sbin and bin directories;
     * null when absent.
     */
    String find(String program);

    Result run(List<String> command) throws StepFailure;
}
