package dev.manifestinit.manifest;

import java.util.Locale;

/** When the emergency shell may start. */
public enum ShellAccess {
    /** Never, whatever the kernel command line contains: the choice for production images. */
    NEVER,
    /** Only when the kernel command line has the manifest's flag as a whole option. */
    FLAG,
    /** Always: anyone at the console gets a root shell when the boot fails. */
    ALWAYS;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
