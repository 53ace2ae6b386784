package dev.manifestinit.os;

import java.util.Map;

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
    private static final BlockIoctl POWERPC = new BlockIoctl(0x2000125FL);

    /** Keys are values of the os.arch system property. */
    private static final Map<String, BlockIoctl> BY_ARCHITECTURE = Map.ofEntries(
            Map.entry("amd64", GENERIC),
            Map.entry("x86_64", GENERIC),
            Map.entry("x86", GENERIC),
            Map.entry("i386", GENERIC),
            Map.entry("i686", GENERIC),
            Map.entry("riscv64", GENERIC),
            Map.entry("loongarch64", GENERIC),
            Map.entry("s390x", GENERIC),
            Map.entry("arm", GENERIC),
            Map.entry("aarch64", GENERIC),
            Map.entry("ppc", POWERPC),
            Map.entry("ppc64", POWERPC),
            Map.entry("ppc64le", POWERPC));

    /**
     * Returns the requests for an os.arch value.
     *
     * @throws UnsupportedOperationException for an architecture missing from the table, such as
     *     MIPS or SPARC
     */
    static BlockIoctl forArchitecture(String osArch) {
        BlockIoctl requests = BY_ARCHITECTURE.get(osArch);
        if (requests == null) {
            throw new UnsupportedOperationException("no ioctl(2) request numbers for architecture " + osArch
                    + "; add them from arch/*/include/uapi/asm/ioctl.h of the Linux sources");
        }
        return requests;
    }

    static BlockIoctl current() {
        return forArchitecture(System.getProperty("os.arch"));
    }
}
