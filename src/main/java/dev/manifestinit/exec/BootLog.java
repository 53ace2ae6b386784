package dev.manifestinit.exec;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The boot's log: every line goes to the console (standard error) and, once /dev/kmsg can be
 * opened, to the kernel log with a priority prefix, so that dmesg shows the boot afterwards.
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
        OutputStream kmsg = kernelLog();
        if (kmsg == null) {
            return;
        }
        try {
            // Each write(2) to /dev/kmsg is one record.
            kmsg.write(("<" + priority + ">manifest-init: " + message + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // A full or closed kernel log must not stop the boot; the console still has the line.
            kernelLog = null;
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
