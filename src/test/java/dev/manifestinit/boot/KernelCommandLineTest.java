package dev.manifestinit.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KernelCommandLineTest {

    @Test
    void rootFoundAnywhereOnTheLine() {
        KernelCommandLine line = KernelCommandLine.parse("console=ttyS4,115200n8 root=PARTLABEL=rofs-b rootwait");
        assertEquals(Optional.of("PARTLABEL=rofs-b"), line.lastValue("root"));
    }

    @Test
    void rootwaitIsNotRoot() {
        KernelCommandLine line = KernelCommandLine.parse("console=ttyS4,115200n8 rootwait");
        assertEquals(Optional.empty(), line.lastValue("root"));
    }

    @Test
    void wholeTokensOnly() {
        KernelCommandLine line = KernelCommandLine.parse("xroot=PARTLABEL=evil rootfstype=ext4");
        assertEquals(Optional.empty(), line.lastValue("root"));
    }

    @Test
    void lastRootWins() {
        KernelCommandLine line = KernelCommandLine.parse("root=PARTLABEL=rofs-a quiet root=PARTLABEL=rofs-b");
        assertEquals(Optional.of("PARTLABEL=rofs-b"), line.lastValue("root"));
    }

    @Test
    void quotesGroupWords() {
        KernelCommandLine line = KernelCommandLine.parse("dyndbg=\"file drivers/usb/* +p\" quiet");
        assertEquals(List.of("dyndbg=file drivers/usb/* +p", "quiet"), line.options());
    }

    @Test
    void wordsAfterSeparatorGoToInit() {
        KernelCommandLine line = KernelCommandLine.parse("root=PARTLABEL=rofs-a -- single  --debug");
        assertEquals(List.of("root=PARTLABEL=rofs-a"), line.options());
        assertEquals(List.of("single", "--debug"), line.initArguments());
    }

    @Test
    void rootAfterSeparatorIsForInit() {
        KernelCommandLine line = KernelCommandLine.parse("quiet -- root=PARTLABEL=rofs-b");
        assertEquals(Optional.empty(), line.lastValue("root"));
    }

    @Test
    void flagsMatchWholeWords() {
        KernelCommandLine line = KernelCommandLine.parse("no-debug-shell");
        assertFalse(line.hasFlag("debug-shell"));
        assertTrue(line.hasFlag("no-debug-shell"));
    }

    @Test
    void emptyLineHasNoOptions() {
        KernelCommandLine line = KernelCommandLine.parse("  \n");
        assertEquals(List.of(), line.options());
        assertEquals(List.of(), line.initArguments());
    }
}
