package dev.manifestinit.os;

import java.util.List;

/**
 * The processor architectures that the native layer has kernel interface values for. Open flags,
 * ioctl request numbers and system call numbers differ between them, and each table of such values
 * is a switch over this type, so that an architecture added here must get a value in every table.
 */
enum Architecture {
    X86_64("amd64", "x86_64"),
    X86("x86", "i386", "i686"),
    ARM("arm"),
    AARCH64("aarch64"),
    RISCV64("riscv64"),
    LOONGARCH64("loongarch64"),
    POWERPC("ppc"),
    POWERPC64("ppc64", "ppc64le"),
    S390X("s390x");

    /** The values of the os.arch system property that name this architecture. */
    private final List<String> osArchNames;

    Architecture(String... osArchNames) {
        this.osArchNames = List.of(osArchNames);
    }

    /**
     * Returns the architecture that an os.arch value names.
     *
     * @throws UnsupportedOperationException for an architecture missing here, such as MIPS, SPARC,
     *     Alpha or PA-RISC
     */
    static Architecture of(String osArch) {
        for (Architecture architecture : values()) {
            if (architecture.osArchNames.contains(osArch)) {
                return architecture;
            }
        }
        throw new UnsupportedOperationException("unsupported architecture " + osArch
                + ": add it to dev.manifestinit.os.Architecture, with its values from the Linux sources'"
                + " arch/*/include/uapi/asm headers");
    }

    /** Returns the architecture that this JVM runs on. */
    static Architecture current() {
        return of(System.getProperty("os.arch"));
    }
}
