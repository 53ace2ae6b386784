package dev.manifestinit.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.manifest.AbsolutePath;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The checks SwitchRoot makes before its first change; the real switch runs in the sandbox tests. */
class SwitchRootTest {
    private final FakeKernel kernel = new FakeKernel();
    private final SwitchRoot step = new SwitchRoot(AbsolutePath.parse("/newroot"),
            List.of(AbsolutePath.parse("/dev"), AbsolutePath.parse("/proc")), AbsolutePath.parse("/sbin/init"),
            List.of("--debug"));

    @BeforeEach
    void bootableSystem() {
        kernel.magics.put("/", 0x01021994L);
        kernel.directory("/newroot");
        kernel.mountPoints.add("/newroot");
        kernel.directory("/newroot/dev");
        kernel.directory("/newroot/proc");
        kernel.directory("/newroot/sbin");
        kernel.file("/newroot/sbin/init", 0755, 1000);
    }

    private StepFailure failure() {
        return assertThrows(StepFailure.class, () -> step.apply(new StepContext(kernel, null, null)));
    }

    @Test
    void switchesWhenAllChecksPass() throws Exception {
        assertThrows(IllegalStateException.class, () -> step.apply(new StepContext(kernel, null, null)));
        assertEquals(List.of(
                "mount /dev /newroot/dev null MS_MOVE",
                "mount /proc /newroot/proc null MS_MOVE",
                "chdir /newroot",
                "remove contents of /",
                "mount none / null MS_REC|MS_PRIVATE",
                "mount . / null MS_MOVE",
                "chroot .",
                "chdir /",
                "close on exec from 3",
                "exec /sbin/init [/sbin/init, --debug]"), kernel.changes);
    }

    @Test
    void notPidOneRejected() {
        kernel.pid = 42;
        assertTrue(failure().getMessage().contains("must run as PID 1, but this process is PID 42"));
        assertEquals(List.of(), kernel.changes);
    }

    @Test
    void rootNotInitramfsRejected() {
        kernel.magics.put("/", 0xEF53L);
        assertTrue(failure().getMessage().contains("/ is not an initramfs"));
        assertEquals(List.of(), kernel.changes);
    }

    @Test
    void newRootNotMountedRejected() {
        kernel.mountPoints.clear();
        assertTrue(failure().getMessage().contains("new root /newroot is not a mount point"));
        assertEquals(List.of(), kernel.changes);
    }

    @Test
    void missingInitRejected() {
        kernel.files.remove("/newroot/sbin/init");
        assertTrue(failure().getMessage().contains("target init /sbin/init not found in the new root /newroot"));
        assertEquals(List.of(), kernel.changes);
    }

    @Test
    void emptyInitRejected() {
        kernel.file("/newroot/sbin/init", 0755, 0);
        assertTrue(failure().getMessage().contains("is empty"));
        assertEquals(List.of(), kernel.changes);
    }

    @Test
    void nonExecutableInitRejected() {
        kernel.file("/newroot/sbin/init", 0644, 1000);
        assertTrue(failure().getMessage().contains("is not executable (mode 644)"));
        assertEquals(List.of(), kernel.changes);
    }

    @Test
    void missingApiTargetRejected() {
        kernel.files.remove("/newroot/proc");
        assertTrue(failure().getMessage().contains("the new root has no directory /proc"));
        assertEquals(List.of(), kernel.changes);
    }
}
