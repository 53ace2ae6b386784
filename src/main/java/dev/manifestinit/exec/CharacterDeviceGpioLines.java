package dev.manifestinit.exec;

import dev.manifestinit.os.GpioChips;
import dev.manifestinit.steps.GpioLines;
import dev.manifestinit.steps.StepFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/** Reads GPIO lines through the GPIO character devices in a device directory, /dev at boot. */
public final class CharacterDeviceGpioLines implements GpioLines {
    private final GpioChips chips;

    public CharacterDeviceGpioLines(Path deviceDirectory) {
        this.chips = new GpioChips(deviceDirectory);
    }

    @Override
    public OptionalInt readLevel(String name) throws StepFailure {
        List<GpioChips.Line> lines;
        try {
            lines = chips.find(name);
        } catch (IOException e) {
            throw new StepFailure("cannot look up GPIO line " + name + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            return OptionalInt.empty();
        }
        if (lines.size() > 1) {
            throw new StepFailure("GPIO line name " + name + " is used " + lines.size() + " times ("
                    + lines.stream().map(GpioChips.Line::toString).collect(Collectors.joining(", "))
                    + "); the device tree must name the line once");
        }
        try {
            return OptionalInt.of(chips.readLevel(lines.get(0)));
        } catch (IOException e) {
            throw new StepFailure("cannot read GPIO line " + name + " (" + lines.get(0) + "): " + e.getMessage(), e);
        }
    }
}
