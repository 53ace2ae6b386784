package dev.manifestinit.os;

import java.util.ArrayList;
import java.util.List;

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
    private static final OpenFlags ARM_LAYOUT = new OpenFlags(040000, 0100000);

    /** Returns the flags of an architecture. */
    static OpenFlags of(Architecture architecture) {
        return switch (architecture) {
            case X86_64, X86, RISCV64, LOONGARCH64, S390X -> GENERIC;
            case ARM, AARCH64, POWERPC, POWERPC64 -> ARM_LAYOUT;
        };
    }

    static OpenFlags current() {
        return of(Architecture.current());
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
