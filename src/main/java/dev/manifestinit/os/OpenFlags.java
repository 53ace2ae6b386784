package dev.manifestinit.os;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The open(2) flags whose values differ between architectures. ARM, AArch64 and PowerPC define
 * O_DIRECTORY and O_NOFOLLOW in their own asm/fcntl.h. x86, RISC-V, LoongArch and s390 take the
 * values of asm-generic/fcntl.h. O_CLOEXEC is 02000000 on all of them.
 *
 * @param directory O_DIRECTORY
 * @param noFollow O_NOFOLLOW
 */
record OpenFlags(int directory, int noFollow) {
    static final int READ_ONLY = 0;
    static final int CLOSE_ON_EXEC = 02000000;

    private static final OpenFlags GENERIC = new OpenFlags(0200000, 0400000);
    private static final OpenFlags ARM = new OpenFlags(040000, 0100000);

    /** Keys are values of the os.arch system property. */
    private static final Map<String, OpenFlags> BY_ARCHITECTURE = Map.ofEntries(
            Map.entry("amd64", GENERIC),
            Map.entry("x86_64", GENERIC),
            Map.entry("x86", GENERIC),
            Map.entry("i386", GENERIC),
            Map.entry("i686", GENERIC),
            Map.entry("riscv64", GENERIC),
            Map.entry("loongarch64", GENERIC),
            Map.entry("s390x", GENERIC),
            Map.entry("arm", ARM),
            Map.entry("aarch64", ARM),
            Map.entry("ppc", ARM),
            Map.entry("ppc64", ARM),
            Map.entry("ppc64le", ARM));

    /**
     * Returns the flags for an os.arch value.
     *
     * @throws UnsupportedOperationException for an architecture missing from the table, such as SPARC,
     *     Alpha or PA-RISC, whose values differ again
     */
    static OpenFlags forArchitecture(String osArch) {
        OpenFlags flags = BY_ARCHITECTURE.get(osArch);
        if (flags == null) {
            throw new UnsupportedOperationException("no open(2) flag values for architecture " + osArch
                    + "; add them from arch/*/include/uapi/asm/fcntl.h of the Linux sources");
        }
        return flags;
    }

    static OpenFlags current() {
        return forArchitecture(System.getProperty("os.arch"));
    }

    /**
     * Formats the flags of a read-only open, the only kind this package makes, as
     * {@code O_RDONLY|O_DIRECTORY|...}, with any other bits in octal.
     */
    String describe(int flags) {
        List<String> names = new ArrayList<>();
        names.add("O_RDONLY");
        int rest = flags;
        if ((rest & directory) != 0) {
            names.add("O_DIRECTORY");
            rest &= ~directory;
        }
        if ((rest & noFollow) != 0) {
            names.add("O_NOFOLLOW");
            rest &= ~noFollow;
        }
        if ((rest & CLOSE_ON_EXEC) != 0) {
            names.add("O_CLOEXEC");
            rest &= ~CLOSE_ON_EXEC;
        }
        if (rest != 0) {
            names.add("0" + Integer.toOctalString(rest));
        }
        return String.join("|", names);
    }
}
