package dev.manifestinit.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that needs root: loop devices, mounts or namespaces. Such a test always runs in CI
 * (CI=true), where a missing privilege makes it fail; elsewhere it skips when the JVM is not root or
 * does not run in a private mount namespace (see src/test/jvm/bin/java).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RootCondition.class)
public @interface NeedsRoot {
}
