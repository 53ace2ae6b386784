package dev.manifestinit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gen_init_cpio list format: every entry type written, every invalid line named. */
class InitramfsListTest {

    @Test
    void everyEntryTypeWritten(@TempDir Path directory) throws Exception {
        Path source = Files.writeString(directory.resolve("init.sh"), "#!/bin/sh\n");
        // Noon UTC on 14 November 2023, the same date in every time zone within 12 hours of UTC.
        Files.setLastModifiedTime(source, FileTime.from(Instant.ofEpochSecond(1_699_963_200)));
        Path list = Files.writeString(directory.resolve("list"), """
                # the console and an init
                dir /dev 755 0 0
                nod /dev/console 600 0 0 c 5 1
                nod /dev/vda 660 0 6 b 254 0
                file /init %s 755 0 0
                slink /sbin 0 777 0 0
                pipe /dev/initctl 600 0 0
                """.formatted(source));
        Path archive = directory.resolve("out.cpio");

        try (CpioWriter writer = new CpioWriter(Files.newOutputStream(archive))) {
            InitramfsList.read(list, 1_600_000_000).writeTo(writer);
        }

        List<String> lines = ExternalCommand.run(List.of("sh", "-c", "cpio -itv --quiet < " + archive)).lines().toList();
        assertEquals(6, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("drwxr-xr-x .* dev"), lines.get(0));
        assertTrue(lines.get(1).matches("crw------- .* 5, +1 .* dev/console"), lines.get(1));
        assertTrue(lines.get(2).matches("brw-rw---- +1 root +disk +254, +0 .* dev/vda"), lines.get(2));
        assertTrue(lines.get(3).matches("-rwxr-xr-x +1 root +root +10 Nov 14 +2023 init"), lines.get(3));
        assertTrue(lines.get(4).matches("lrwxrwxrwx .* sbin -> 0"), lines.get(4));
        assertTrue(lines.get(5).matches("prw------- .* dev/initctl"), lines.get(5));
    }

    @Test
    void everyInvalidLineNamed(@TempDir Path directory) throws Exception {
        Path list = Files.writeString(directory.resolve("list"), """
                dir /dev 755 0
                nod /dev/console 600 0 0 x 5 1
                file /init /nonexistent/init 755 0 0
                dir /etc 0999 0 0
                sock /run/socket 600 0 0
                file /a %1$s 644 0 0 /b
                dir /x/../y 755 0 0
                dir /ok 755 root 0
                """.formatted(directory.resolve("list")));

        InitramfsList.InvalidListException e = assertThrows(InitramfsList.InvalidListException.class,
                () -> InitramfsList.read(list, 0));

        List<String> problems = e.problems();
        assertEquals(8, problems.size(), problems.toString());
        assertEquals(list + ":1: expected 5 fields, dir NAME MODE UID GID, got 4", problems.get(0));
        assertEquals(list + ":2: device type must be b or c, got 'x'", problems.get(1));
        assertEquals(list + ":3: source /nonexistent/init of /init is not a regular file", problems.get(2));
        assertEquals(list + ":4: invalid mode '0999': expected octal permission bits such as 0755", problems.get(3));
        assertTrue(problems.get(4).startsWith(list + ":5: unknown entry type 'sock'"), problems.get(4));
        assertEquals(list + ":6: hard links (names after GID) are not supported", problems.get(5));
        assertTrue(problems.get(6).startsWith(list + ":7: invalid archive name '/x/../y'"), problems.get(6));
        assertEquals(list + ":8: invalid uid 'root': expected a number", problems.get(7));
    }

    @Test
    void missingParentNamedWithLine(@TempDir Path directory) throws Exception {
        Path list = Files.writeString(directory.resolve("list"), "dir /dev 755 0 0\nnod /run/x 600 0 0 c 1 3\n");
        InitramfsList entries = InitramfsList.read(list, 0);

        try (CpioWriter writer = new CpioWriter(Files.newOutputStream(directory.resolve("out.cpio")))) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> entries.writeTo(writer));
            assertEquals("list line 2: the parent directory of run/x must be added before it", e.getMessage());
        }
    }
}
