package dev.manifestinit.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.ExternalCommand;
import dev.manifestinit.testing.NeedsRoot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * BootLog's lines in the kernel log, read back with dmesg (util-linux), which reads /dev/kmsg.
 * Each test writes a few lines with a marker of its own into this machine's kernel log.
 */
@NeedsRoot
class BootLogKernelLogTest {

    @Test
    void stepLinesReachDmesgWithTheirPriority() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        BootLog log = new BootLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), true);

        log.info("[started] 1/2 MountFilesystem proc on /proc " + marker);
        log.info("[finished] 1/2 MountFilesystem in 3 ms " + marker);
        log.error("[failed] 2/2 SwitchRoot after 1 ms: no /sbin/init " + marker);

        List<String> lines = dmesg(marker);
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("user  :info  :"), lines.get(0));
        assertTrue(lines.get(0).contains("manifest-init: [started] 1/2 MountFilesystem"), lines.get(0));
        assertTrue(lines.get(1).contains("manifest-init: [finished] 1/2 MountFilesystem in 3 ms"), lines.get(1));
        assertTrue(lines.get(2).startsWith("user  :err   :"), lines.get(2));
        assertTrue(lines.get(2).contains("[failed] 2/2 SwitchRoot"), lines.get(2));
    }

    /**
     * With printk.devkmsg=ratelimit, the kernel's default, one open file may write 10 lines in 5
     * seconds. The info lines share one file and lose the rest; error lines get a file each and
     * always arrive.
     */
    @Test
    void errorLinesPassTheRateLimit() throws Exception {
        String setting = Files.readString(Path.of("/proc/sys/kernel/printk_devkmsg")).strip();
        String marker = "marker-" + UUID.randomUUID();
        BootLog log = new BootLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), true);

        for (int i = 0; i < 14; i++) {
            log.info("info " + i + " " + marker);
        }
        log.error("error after the burst " + marker);

        List<String> lines = dmesg(marker);
        long infoLines = lines.stream().filter(line -> line.contains("manifest-init: info ")).count();
        if (setting.equals("ratelimit")) {
            assertEquals(10, infoLines, String.join("\n", lines));
        } else if (setting.equals("on")) {
            assertEquals(14, infoLines, String.join("\n", lines));
        }
        if (!setting.equals("off")) {
            assertTrue(lines.get(lines.size() - 1).contains("error after the burst"), String.join("\n", lines));
        }
    }

    private static List<String> dmesg(String marker) throws Exception {
        return ExternalCommand.run("dmesg", "--decode").lines().filter(line -> line.contains(marker)).toList();
    }
}
