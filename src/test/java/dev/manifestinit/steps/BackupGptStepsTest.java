package dev.manifestinit.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.manifestinit.disk.DiskException;
import dev.manifestinit.exec.ProcessToolRunner;
import dev.manifestinit.manifest.AbsolutePath;
import dev.manifestinit.os.LinuxKernel;
import dev.manifestinit.testing.ExternalCommand;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs CheckBackupGpt and RepairBackupGpt on image files, which stand for the disk. Rootless.
 * The image is made by sgdisk at 32 MiB with one partition, rwfs (8 MiB from sector 2048), and
 * then extended with zeros to 64 MiB, so its backup GPT is misplaced.
 */
class BackupGptStepsTest {
    @TempDir
    Path directory;

    @Test
    void repairThenSkipOnSecondRun() throws Exception {
        Path image = grownImage();
        RepairBackupGpt step = new RepairBackupGpt(new AbsolutePath(image.toString()));

        Outcome first = step.apply(context());
        Outcome second = step.apply(context());

        assertFalse(first.skipped());
        assertTrue(first.detail().contains("wrote backup entry array at LBA 131039-131070, then backup header at LBA"
                + " 131071, then primary header at LBA 1"), first.detail());
        assertTrue(first.detail().contains("an image file has no kernel partitions to update"), first.detail());
        assertTrue(second.skipped());
        assertTrue(second.detail().contains("matches the primary"), second.detail());
        assertTrue(ExternalCommand.run("sgdisk", "--verify", image.toString()).contains("No problems found"));
    }

    @Test
    void checkReportsAndWritesNothing() throws Exception {
        Path image = grownImage();
        byte[] before = Files.readAllBytes(image);

        Outcome outcome = new CheckBackupGpt(new AbsolutePath(image.toString())).apply(context());

        assertFalse(outcome.skipped());
        assertTrue(outcome.detail().contains("disk.gpt is check, so it stays as it is"), outcome.detail());
        assertTrue(Arrays.equals(before, Files.readAllBytes(image)), "the check must not write");
    }

    @Test
    void tableBeyondDeviceFailsBothSteps() throws Exception {
        Path image = grownImage();
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(16L * 1024 * 1024);
        }

        for (Step step : new Step[] {new CheckBackupGpt(new AbsolutePath(image.toString())),
                new RepairBackupGpt(new AbsolutePath(image.toString()))}) {
            DiskException error = assertThrows(DiskException.class, () -> step.apply(context()));
            assertTrue(error.getMessage().contains("was made for a larger device"), error.getMessage());
        }
    }

    private Path grownImage() throws IOException {
        Path image = directory.resolve("disk.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(32L * 1024 * 1024);
        }
        ExternalCommand.run("sgdisk", "--clear", "--new=1:2048:+8M", "--change-name=1:rwfs", image.toString());
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(64L * 1024 * 1024);
        }
        return image;
    }

    private static StepContext context() {
        return new StepContext(new LinuxKernel(), null, new ProcessToolRunner());
    }
}
