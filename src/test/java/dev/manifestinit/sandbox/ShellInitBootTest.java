package dev.manifestinit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.NeedsRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Boots the boot benchmark's shell init (src/bench/shell-init): the reference that the Java init
 * is measured against must do the same work, so the target init must pass it on every check.
 *
 * <p>Disk layout (src/sandbox/boot): GPT with rofs-a, rofs-b (ext4 with /etc/rofs-side and the
 * target init as /sbin/init), rwfs (empty ext4) and hostfw (empty ext4), on a loop device.
 */
@NeedsRoot
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShellInitBootTest {
    private BootResult boot;

    @BeforeAll
    void bootShellInit() throws Exception {
        boot = SandboxBoot.boot("shell-init", "--handoff", "shell", "--cmdline", "root=PARTLABEL=rofs-b");
    }

    @Test
    void bootPasses() {
        assertEquals(0, boot.exitCode(), () -> boot.withLog("the shell init failed a check"));
    }

    @Test
    void rootIsRequestedSide() {
        boot.assertPassed(boot.outside(7));
    }

    @Test
    void initramfsDeleted() {
        boot.assertPassed(boot.inside(5));
        boot.assertPassed(boot.outside(5));
    }

    @Test
    void clockLinePrinted() {
        assertTrue(boot.log().lines().anyMatch(line -> line.startsWith("TARGET-INIT CLOCK start_ns=")),
                () -> boot.withLog("the target init printed no CLOCK line"));
    }
}
