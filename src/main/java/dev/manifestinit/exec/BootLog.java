package dev.manifestinit.exec;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The boot's log: every line goes to the console (standard error) and, once /dev/kmsg can be
 * opened, to the kernel log with a priority prefix, so that dmesg shows the boot afterwards.
 *
 * <p>The kernel rate-limits writes to /dev/kmsg for each open file unless it booted with
 * {@code printk.devkmsg=on}: with the default {@code ratelimit}, it keeps 10 lines in 5 seconds
 * and drops the rest without an error (devkmsg_write in kernel/printk/printk.c). The info lines
 * share one open file and so are subject to that limit. Each error line is written through a file
 * opened for it alone, so that the few lines that explain a failed boot always reach dmesg. The
 * boot record under /run has every step whatever the limit.
 */
public final class BootLog {
    /** syslog priorities that /dev/kmsg takes as a "&lt;N&gt;" prefix. */
    private static final int ERROR = 3;
    private static final int INFO = 6;
    private static final String KMSG = "/dev/kmsg";

    private final PrintStream console;
    private final boolean useKernelLog;
    private OutputStream kernelLog;

    /** @param useKernelLog whether to write to /dev/kmsg too; off when not booting */
    public BootLog(PrintStream console, boolean useKernelLog) {
        this.console = console;
        this.useKernelLog = useKernelLog;
    }

    public void info(String message) {
        write(INFO, message);
    }

    public void error(String message) {
        write(ERROR, message);
    }

    private void write(int priority, String message) {
        console.println("manifest-init: " + message);
        console.flush();
        // Each write(2) to /dev/kmsg is one record.
        byte[] line = ("<" + priority + ">manifest-init: " + message + "\n").getBytes(StandardCharsets.UTF_8);
        if (priority <= ERROR) {
            writeAlone(line);
            return;
        }
        OutputStream kmsg = kernelLog();
        if (kmsg == null) {
            return;
        }
        try {
            kmsg.write(line);
        } catch (IOException e) {
            // A full or closed kernel log must not stop the boot; the console still has the line.
            kernelLog = null;
        }
    }

    /** Writes one line through a file opened for it, which has a rate limit of its own. */
    private void writeAlone(byte[] line) {
        if (!useKernelLog) {
            return;
        }
        try (OutputStream kmsg = new FileOutputStream(KMSG)) {
            kmsg.write(line);
        } catch (IOException e) {
            // Before /dev is mounted there is no /dev/kmsg; the console has the line.
        }
    }

    /** Opens /dev/kmsg on first use after /dev is mounted; until then the console alone gets lines. */
    private OutputStream kernelLog() {
        if (!useKernelLog || kernelLog != null) {
            return kernelLog;
        }
        try {
            kernelLog = new FileOutputStream(KMSG);
        } catch (IOException e) {
            kernelLog = null;
        }
        return kernelLog;
    }
}
