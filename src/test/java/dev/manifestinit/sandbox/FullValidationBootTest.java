package dev.manifestinit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.testing.NeedsRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Boots the Java init from an initramfs without a validation record and without a class archive:
 * the init must validate the manifest in full, Hibernate Validator included, with the trimmed
 * runtime of the initramfs, and then boot as usual.
 *
 * <p>Disk layout (src/sandbox/boot): GPT with rofs-a, rofs-b (ext4 with /etc/rofs-side and the
 * target init as /sbin/init), rwfs (empty ext4) and hostfw (empty ext4), on a loop device.
 */
@NeedsRoot
@EnabledIf(value = "dev.manifestinit.sandbox.SandboxBoot#productCliBuilt",
        disabledReason = "the product's entry point " + SandboxBoot.MAIN_CLASS + " is not built yet")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FullValidationBootTest {
    private BootResult boot;

    @BeforeAll
    void bootWithoutRecord() throws Exception {
        boot = SandboxBoot.boot("full-validation", "--no-validation-record", "--class-archive", "none");
    }

    @Test
    void bootPasses() {
        assertEquals(0, boot.exitCode(), () -> boot.withLog("the boot failed"));
    }

    @Test
    void manifestValidatedInFull() {
        assertTrue(boot.log().contains("manifest-init: no validation record at /etc/manifest-init/manifest.yaml.validated;"
                + " validating the manifest in full"), () -> boot.withLog("the init did not validate in full"));
    }
}
