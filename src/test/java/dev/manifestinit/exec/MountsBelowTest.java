package dev.manifestinit.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.manifestinit.manifest.AbsolutePath;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountsBelowTest {
    private static final List<String> MOUNTINFO = List.of(
            "22 1 0:21 / / rw,relatime - tmpfs rootfs rw",
            "23 22 0:5 / /dev rw,nosuid - devtmpfs devtmpfs rw",
            "30 22 7:1 / /newroot ro,relatime - ext4 /dev/loop0p1 ro",
            "31 30 7:3 / /newroot/var rw,relatime - ext4 /dev/loop0p3 rw",
            "32 30 0:40 / /newroot/etc rw,relatime - overlay overlay rw,lowerdir=/newroot/etc",
            "33 22 0:41 / /newroot-other rw - tmpfs tmpfs rw",
            "34 31 0:42 / /newroot/var/with\\040space rw - tmpfs tmpfs rw");

    @Test
    void mountsInsideTheNewRootInMountOrder() {
        assertEquals(List.of("/newroot", "/newroot/var", "/newroot/etc", "/newroot/var/with space"),
                MountsBelow.mountPointsBelow(MOUNTINFO, new AbsolutePath("/newroot")));
    }

    @Test
    void escapesAreDecoded() {
        assertEquals("a b\tc\\d", MountsBelow.decode("a\\040b\\011c\\134d"));
        assertEquals("a\\04", MountsBelow.decode("a\\04"));
    }
}
