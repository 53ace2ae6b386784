package dev.manifestinit.os;

import java.util.Map;

/**
 * Numbers of the system calls that glibc has no wrapper for, which {@link LinuxKernel} makes through
 * syscall(2). The numbers differ between architectures. AArch64, RISC-V and LoongArch take theirs
 * from asm-generic/unistd.h, the others from their own unistd headers.
 */
final class SystemCallNumbers {
    /** finit_module(2) by os.arch value. */
    private static final Map<String, Long> FINIT_MODULE = Map.ofEntries(
            Map.entry("amd64", 313L),
            Map.entry("x86_64", 313L),
            Map.entry("x86", 350L),
            Map.entry("i386", 350L),
            Map.entry("i686", 350L),
            Map.entry("arm", 379L),
            Map.entry("aarch64", 273L),
            Map.entry("riscv64", 273L),
            Map.entry("loongarch64", 273L),
            Map.entry("ppc", 353L),
            Map.entry("ppc64", 353L),
            Map.entry("ppc64le", 353L),
            Map.entry("s390x", 344L));

    private SystemCallNumbers() {
    }

    /**
     * Returns the number of finit_module on the architecture {@code osArch}.
     *
     * @throws UnsupportedOperationException for an architecture missing from the table
     */
    static long finitModule(String osArch) {
        Long number = FINIT_MODULE.get(osArch);
        if (number == null) {
            throw new UnsupportedOperationException("no finit_module system call number for architecture "
                    + osArch + "; add it from the Linux sources' unistd headers");
        }
        return number;
    }
}
