package dev.manifestinit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.NeedsRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Boots the Java init as PID 1 of the sandbox with manifests/rainier.yaml and checks, one assert
 * per check, the target init's report of the switched system.
 *
 * <p>Disk layout (src/sandbox/boot): GPT with rofs-a, rofs-b (ext4 with /etc/rofs-side and the
 * target init as /sbin/init), rwfs (empty ext4) and hostfw (empty ext4), on a loop device.
 */
@NeedsRoot
@EnabledIf(value = "dev.manifestinit.sandbox.SandboxBoot#productCliBuilt",
        disabledReason = "the product's entry point " + SandboxBoot.MAIN_CLASS + " is not built yet")
class JavaInitBootTest {

    /** The default side: no root= on the command line, so root.default (rofs-a) applies. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class DefaultSide {
        private BootResult boot;

        @BeforeAll
        void bootDefault() throws Exception {
            boot = SandboxBoot.boot("java-init-default");
        }

        @Test
        void bootPasses() {
            assertEquals(0, boot.exitCode(), () -> boot.withLog("the boot failed"));
        }

        @Test
        void targetInitRanToTheEnd() {
            assertTrue(boot.markerPrinted(), () -> boot.withLog("no TARGET-INIT DONE marker"));
        }

        @Test
        void constraintsSkippedByRecord() {
            assertTrue(boot.log().contains("manifest-init: the manifest matches the validation record"),
                    () -> boot.withLog("the init did not use the validation record"));
        }

        @Test
        void jvmMapsClassArchive() {
            assertTrue(boot.log().matches("(?s).*manifest-init: \\[started\\] boot from \\S+ on Java \\S+ \\([^)]*sharing\\).*"),
                    () -> boot.withLog("the JVM did not map the class archive (no \"sharing\" in java.vm.info)"));
        }

        @Test
        void classArchiveShipped() {
            assertTrue(boot.log().contains("boot: class archive "),
                    () -> boot.withLog("the boot built no class archive"));
        }

        @Test
        void check1PidOneOnReadOnlyRoot() {
            boot.assertPassed(boot.inside(1));
        }

        @Test
        void check1RootIsRofsAPartition() {
            boot.assertPassed(boot.outside(1));
        }

        @Test
        void check2VarAndEtcOverlay() {
            boot.assertPassed(boot.inside(2));
        }

        @Test
        void check3ApiMountsMoved() {
            boot.assertPassed(boot.inside(3));
        }

        @Test
        void check4SetnsRoundTrip() {
            boot.assertPassed(boot.inside(4));
        }

        @Test
        void check5InitramfsUnreachable() {
            boot.assertPassed(boot.inside(5));
        }

        @Test
        void check5InitramfsEmptiedOutside() {
            boot.assertPassed(boot.outside(5));
        }

        @Test
        void check6OnlyStandardDescriptors() {
            boot.assertPassed(boot.inside(6));
        }

        @Test
        void check7SideIsRofsA() {
            boot.assertPassed(boot.inside(7));
            boot.assertPassed(boot.outside(7));
            assertTrue(boot.inside(7).detail().contains("side=rofs-a"),
                    () -> boot.withLog("not side rofs-a: " + boot.inside(7).detail()));
        }
    }

    /** root=PARTLABEL=rofs-b on the command line must boot the second side. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class SideB {
        private BootResult boot;

        @BeforeAll
        void bootRofsB() throws Exception {
            boot = SandboxBoot.boot("java-init-rofs-b", "--cmdline", "console=ttyS0 root=PARTLABEL=rofs-b");
        }

        @Test
        void bootPasses() {
            assertEquals(0, boot.exitCode(), () -> boot.withLog("the boot failed"));
        }

        @Test
        void rootIsRofsBPartition() {
            boot.assertPassed(boot.outside(1));
        }

        @Test
        void sideIsRofsB() {
            boot.assertPassed(boot.inside(7));
            assertTrue(boot.inside(7).detail().contains("side=rofs-b"),
                    () -> boot.withLog("not side rofs-b: " + boot.inside(7).detail()));
        }

        @Test
        void setnsRoundTripPasses() {
            boot.assertPassed(boot.inside(4));
        }
    }
}
