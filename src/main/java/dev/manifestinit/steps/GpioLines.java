package dev.manifestinit.steps;

import java.util.OptionalInt;

/** Reads GPIO input lines found by name, as the device tree's gpio-line-names gives them. */
public interface GpioLines {

    /** No GPIO chip at all: every line is absent. */
    GpioLines NONE = name -> OptionalInt.empty();

    /**
     * Reads the physical level of the line named {@code name}, 0 or 1, requesting it as an input.
     * Returns empty when no GPIO chip has a line of that name. Throws StepFailure when a chip
     * cannot be read, or when two lines carry the name.
     */
    OptionalInt readLevel(String name) throws StepFailure;
}
