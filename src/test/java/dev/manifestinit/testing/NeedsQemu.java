package dev.manifestinit.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that boots a VM under QEMU: it needs qemu-system-x86_64, zstd and a Debian kernel
 * package (a /boot/vmlinuz-RELEASE with its /lib/modules/RELEASE). Such a test always runs in CI
 * (CI=true), where .ci/run installs them and anything missing makes it fail; elsewhere it skips
 * and names what is missing.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(QemuCondition.class)
public @interface NeedsQemu {
}
