package dev.manifestinit.os;

/**
 * The block device ioctl(2) requests the init makes, whose numbers depend on the architecture.
 * A request number carries its data direction in the top bits. PowerPC, MIPS, SPARC and Alpha
 * give "no data" the value 1 at bit 29 (arch/&lt;arch&gt;/include/uapi/asm/ioctl.h), while the others
 * use asm-generic/ioctl.h, where it is 0.
 *
 * @param rereadPartitionTable BLKRRPART, {@code _IO(0x12, 95)} in linux/fs.h
 */
record BlockIoctl(long rereadPartitionTable) {
    private static final BlockIoctl GENERIC = new BlockIoctl(0x125FL);
    private static final BlockIoctl POWERPC_LAYOUT = new BlockIoctl(0x2000125FL);

    /** Returns the requests of an architecture. */
    static BlockIoctl of(Architecture architecture) {
        return switch (architecture) {
            case X86_64, X86, ARM, AARCH64, RISCV64, LOONGARCH64, S390X -> GENERIC;
            case POWERPC, POWERPC64 -> POWERPC_LAYOUT;
        };
    }

    static BlockIoctl current() {
        return of(Architecture.current());
    }
}
