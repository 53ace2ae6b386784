package dev.manifestinit.sandbox;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.NeedsRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The negative control: a busybox PID 1 mounts what the manifest describes by hand and hands off
 * with a bare chroot. The setns check must fail, which shows that it tells a chroot from a real
 * switch_root. The other checks show that the harness and the target init work without the Java
 * init, except the outside check of the initramfs, because nothing deletes it.
 *
 * <p>Disk layout (src/sandbox/boot): GPT with rofs-a, rofs-b (ext4 with /etc/rofs-side and the
 * target init as /sbin/init), rwfs (empty ext4) and hostfw (empty ext4), on a loop device.
 */
@NeedsRoot
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChrootHandoffTest {
    private BootResult boot;

    @BeforeAll
    void bootWithChroot() throws Exception {
        boot = SandboxBoot.boot("chroot-handoff", "--handoff", "chroot", "--cmdline", "root=PARTLABEL=rofs-b");
    }

    @Test
    void bootFailsOverall() {
        assertNotEquals(0, boot.exitCode(), () -> boot.withLog("the boot passed although check 4 must fail"));
    }

    @Test
    void targetInitRanToTheEnd() {
        assertTrue(boot.markerPrinted(), () -> boot.withLog("no TARGET-INIT DONE marker"));
    }

    @Test
    void setnsRoundTripFails() {
        CheckLine check = boot.inside(4);
        boot.assertFailed(check);
        assertTrue(check.detail().contains("chdir /var/persist after the round trip failed"),
                () -> boot.withLog("check 4 failed for another reason: " + check.detail()));
    }

    @Test
    void rootMountPasses() {
        boot.assertPassed(boot.inside(1));
        boot.assertPassed(boot.outside(1));
    }

    @Test
    void varAndEtcOverlayPass() {
        boot.assertPassed(boot.inside(2));
    }

    @Test
    void apiMountsMovedPass() {
        boot.assertPassed(boot.inside(3));
    }

    @Test
    void initramfsHiddenInsideButLeftOutside() {
        boot.assertPassed(boot.inside(5));
        CheckLine outside = boot.outside(5);
        boot.assertFailed(outside);
        assertTrue(outside.detail().contains("manifest-init.jar"),
                () -> boot.withLog("the outside check does not list the initramfs files: " + outside.detail()));
    }

    @Test
    void onlyStandardDescriptorsPass() {
        boot.assertPassed(boot.inside(6));
    }

    @Test
    void requestedSideBooted() {
        boot.assertPassed(boot.inside(7));
        boot.assertPassed(boot.outside(7));
        assertTrue(boot.inside(7).detail().contains("side=rofs-b"), () -> boot.withLog("not side rofs-b"));
    }
}
