package dev.manifestinit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attaches images made by make-disk-image to loop devices and checks that {@link LoopDevice}
 * detaches them again, also after a failed attach.
 */
@NeedsRoot
class LoopDeviceTest {

    @TempDir
    Path directory;

    @Test
    void attachShowsPartitionsAndCloseDetaches() throws IOException {
        Path image = DiskImages.create(directory.resolve("two.img"), 16,
                DiskImages.partition("rofs-a", 4), DiskImages.partition("rwfs", 4));
        Path device;
        Path secondPartition;

        try (LoopDevice loop = LoopDevice.attach(image)) {
            device = loop.device();
            secondPartition = loop.partition(2);
            assertTrue(device.toString().matches("/dev/loop[0-9]+"), device.toString());
            assertEquals(Path.of(device + "p1"), loop.partition(1));
            assertTrue(Files.exists(loop.partition(1)), loop.partition(1) + " exists");
            assertTrue(Files.exists(secondPartition), secondPartition + " exists");
            assertFalse(Files.exists(loop.partition(3)), loop.partition(3) + " exists");
            assertEquals(List.of(device), devicesBackedBy(image));
        }

        assertEquals(List.of(), devicesBackedBy(image));
        assertFalse(Files.exists(Path.of("/sys/class/block", secondPartition.getFileName().toString())),
                secondPartition + " still in sysfs");
    }

    @Test
    void closeTwiceDoesNothing() throws IOException {
        Path image = DiskImages.create(directory.resolve("one.img"), 8, DiskImages.partition("rwfs", 4));
        LoopDevice loop = LoopDevice.attach(image);

        loop.close();
        loop.close();

        assertEquals(List.of(), devicesBackedBy(image));
    }

    @Test
    void failedAttachDetaches() throws IOException {
        Path image = directory.resolve("blank.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(8L * 1024 * 1024);
        }

        IOException error = assertThrows(IOException.class, () -> LoopDevice.attach(image));

        assertTrue(error.getMessage().contains("partx -a"), error.getMessage());
        assertEquals(List.of(), devicesBackedBy(image));
    }

    /** Lists the loop devices whose backing file is {@code image}, from sysfs. */
    static List<Path> devicesBackedBy(Path image) throws IOException {
        List<Path> devices = new ArrayList<>();
        try (Stream<Path> blocks = Files.list(Path.of("/sys/block"))) {
            for (Path block : blocks.filter(path -> path.getFileName().toString().startsWith("loop")).toList()) {
                Path backingFile = block.resolve("loop/backing_file");
                if (Files.exists(backingFile)
                        && Files.readString(backingFile).strip().equals(image.toRealPath().toString())) {
                    devices.add(Path.of("/dev", block.getFileName().toString()));
                }
            }
        }
        return devices;
    }
}
