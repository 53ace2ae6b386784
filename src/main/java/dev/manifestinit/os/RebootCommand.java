package dev.manifestinit.os;

/** The commands of reboot(2) that the init uses, with the values of glibc's sys/reboot.h. */
public enum RebootCommand {
    /** RB_AUTOBOOT, LINUX_REBOOT_CMD_RESTART. In a PID namespace the kernel ends it as if by SIGHUP. */
    RESTART(0x01234567, "RB_AUTOBOOT"),
    /** RB_POWER_OFF, LINUX_REBOOT_CMD_POWER_OFF. In a PID namespace the kernel ends it as if by SIGINT. */
    POWER_OFF(0x4321fedc, "RB_POWER_OFF");

    private final int value;
    private final String constantName;

    RebootCommand(int value, String constantName) {
        this.value = value;
        this.constantName = constantName;
    }

    int value() {
        return value;
    }

    String constantName() {
        return constantName;
    }
}
