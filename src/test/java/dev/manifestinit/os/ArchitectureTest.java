package dev.manifestinit.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArchitectureTest {
    @Test
    void osArchAliasesNameOneArchitecture() {
        assertEquals(Architecture.X86_64, Architecture.of("amd64"));
        assertEquals(Architecture.X86_64, Architecture.of("x86_64"));
        assertEquals(Architecture.X86, Architecture.of("i686"));
        assertEquals(Architecture.POWERPC64, Architecture.of("ppc64le"));
    }

    @Test
    void unknownArchitectureInMessage() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Architecture.of("sparcv9"));

        assertTrue(e.getMessage().contains("sparcv9"), e.getMessage());
    }

    @Test
    void currentArchitectureIsKnown() {
        assertEquals(Architecture.of(System.getProperty("os.arch")), Architecture.current());
    }
}
