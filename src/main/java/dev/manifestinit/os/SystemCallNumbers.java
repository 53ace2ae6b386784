package dev.manifestinit.os;

/**
 * Numbers of the system calls that glibc has no wrapper for, which {@link LinuxKernel} makes through
 * syscall(2). The numbers differ between architectures. AArch64, RISC-V and LoongArch take theirs
 * from asm-generic/unistd.h, the others from their own unistd headers.
 */
final class SystemCallNumbers {
    private SystemCallNumbers() {
    }

    /** Returns the number of finit_module on an architecture. */
    static long finitModule(Architecture architecture) {
        return switch (architecture) {
            case X86_64 -> 313;
            case X86 -> 350;
            case ARM -> 379;
            case AARCH64, RISCV64, LOONGARCH64 -> 273;
            case POWERPC, POWERPC64 -> 353;
            case S390X -> 344;
        };
    }
}
