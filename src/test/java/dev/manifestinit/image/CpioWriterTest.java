package dev.manifestinit.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.ExternalCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The newc writer, read back byte by byte and by GNU cpio and busybox cpio. */
class CpioWriterTest {
    private static final byte[] HELLO = "hello, initramfs\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void headerFieldsAndPadding() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioWriter writer = new CpioWriter(bytes)) {
            writer.add(new CpioWriter.Entry("/dev", CpioWriter.S_IFDIR | 0755, 0, 0, 0, 100, 0, 0), null);
            writer.add(new CpioWriter.Entry("/dev/console", CpioWriter.S_IFCHR | 0600, 0, 5, 0, 100, 5, 1), null);
        }
        byte[] archive = bytes.toByteArray();
        String text = new String(archive, StandardCharsets.US_ASCII);

        // dev: 110-byte header + "dev\0" = 114, padded to 116.
        assertEquals("070701" + "00000001" + "000041ed" + "00000000" + "00000000" + "00000002" + "00000064"
                + "00000000" + "00000000" + "00000000" + "00000000" + "00000000" + "00000004" + "00000000" + "dev",
                text.substring(0, 113));
        assertArrayEquals(new byte[] {0, 0, 0}, Arrays.copyOfRange(archive, 113, 116));
        // dev/console starts at 116: mode 020600, gid 5, rdev 5:1, name size 12.
        assertEquals("070701" + "00000002" + "00002180" + "00000000" + "00000005" + "00000001" + "00000064"
                + "00000000" + "00000000" + "00000000" + "00000005" + "00000001" + "0000000c" + "00000000"
                + "dev/console", text.substring(116, 116 + 110 + 11));
        assertEquals(0, archive.length % 4);
        assertTrue(text.contains("TRAILER!!!"), "no trailer");
    }

    @Test
    void gnuCpioListsEveryEntry(@TempDir Path directory) throws Exception {
        Path archive = writeSample(directory);

        String listing = ExternalCommand.run(List.of("sh", "-c", "cpio -itv --quiet < " + archive));

        List<String> lines = listing.lines().toList();
        assertEquals(5, lines.size(), listing);
        assertTrue(lines.get(0).matches("drwxr-xr-x +2 root +root +0 .* etc"), lines.get(0));
        assertTrue(lines.get(1).matches("-rw-r--r-- +1 root +root +17 .* etc/hello"), lines.get(1));
        assertTrue(lines.get(2).matches("lrwxrwxrwx +1 root +root +5 .* etc/link -> hello"), lines.get(2));
        assertTrue(lines.get(3).matches("drwxr-xr-x +2 root +root +0 .* dev"), lines.get(3));
        assertTrue(lines.get(4).matches("crw------- +1 root +root +5, +1 .* dev/console"), lines.get(4));
    }

    @Test
    void gnuCpioExtractsContent(@TempDir Path directory) throws Exception {
        Path archive = writeSample(directory);

        String content = ExternalCommand.run(List.of("sh", "-c", "cpio -i --to-stdout --quiet etc/hello < " + archive));

        assertEquals(new String(HELLO, StandardCharsets.UTF_8), content);
    }

    @Test
    void busyboxCpioListsEveryEntry(@TempDir Path directory) throws Exception {
        Path archive = writeSample(directory);

        String listing = ExternalCommand.run(List.of("sh", "-c", "/bin/busybox cpio -t < " + archive));

        assertEquals(List.of("etc", "etc/hello", "etc/link", "dev", "dev/console"),
                listing.lines().filter(line -> !line.endsWith("blocks")).toList());
    }

    @Test
    void parentMustComeFirst() {
        CpioWriter writer = new CpioWriter(new ByteArrayOutputStream());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> writer.add(new CpioWriter.Entry("/dev/console", CpioWriter.S_IFCHR | 0600, 0, 0, 0, 0, 5, 1), null));

        assertEquals("the parent directory of dev/console must be added before it", e.getMessage());
    }

    @Test
    void duplicateNameRejected() throws IOException {
        CpioWriter writer = new CpioWriter(new ByteArrayOutputStream());
        writer.add(new CpioWriter.Entry("/etc", CpioWriter.S_IFDIR | 0755, 0, 0, 0, 0, 0, 0), null);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> writer.add(new CpioWriter.Entry("etc", CpioWriter.S_IFDIR | 0755, 0, 0, 0, 0, 0, 0), null));

        assertEquals("etc is already in the archive", e.getMessage());
    }

    @Test
    void dotDotNameRejected() {
        CpioWriter writer = new CpioWriter(new ByteArrayOutputStream());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> writer.add(new CpioWriter.Entry("/../etc", CpioWriter.S_IFDIR | 0755, 0, 0, 0, 0, 0, 0), null));

        assertTrue(e.getMessage().contains("contains an empty, . or .. component"), e.getMessage());
    }

    @Test
    void shortDataRejected() {
        CpioWriter writer = new CpioWriter(new ByteArrayOutputStream());

        IOException e = assertThrows(IOException.class, () -> writer.add(
                new CpioWriter.Entry("/hello", CpioWriter.S_IFREG | 0644, 0, 0, 10, 0, 0, 0),
                new ByteArrayInputStream(new byte[4])));

        assertTrue(e.getMessage().contains("the data of hello ended after 4 of 10 bytes"), e.getMessage());
    }

    /** Writes etc/, etc/hello, etc/link -> hello, dev/ and the console device node. */
    private static Path writeSample(Path directory) throws IOException {
        Path archive = directory.resolve("sample.cpio");
        try (CpioWriter writer = new CpioWriter(Files.newOutputStream(archive))) {
            writer.add(new CpioWriter.Entry("/etc", CpioWriter.S_IFDIR | 0755, 0, 0, 0, 0, 0, 0), null);
            writer.add(new CpioWriter.Entry("/etc/hello", CpioWriter.S_IFREG | 0644, 0, 0, HELLO.length, 0, 0, 0),
                    new ByteArrayInputStream(HELLO));
            byte[] target = "hello".getBytes(StandardCharsets.UTF_8);
            writer.add(new CpioWriter.Entry("/etc/link", CpioWriter.S_IFLNK | 0777, 0, 0, target.length, 0, 0, 0),
                    new ByteArrayInputStream(target));
            writer.add(new CpioWriter.Entry("/dev", CpioWriter.S_IFDIR | 0755, 0, 0, 0, 0, 0, 0), null);
            writer.add(new CpioWriter.Entry("/dev/console", CpioWriter.S_IFCHR | 0600, 0, 0, 0, 0, 5, 1), null);
        }
        return archive;
    }
}
