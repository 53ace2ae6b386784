package dev.manifestinit.disk;

import dev.manifestinit.testing.ExternalCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs sgdisk and parses what it prints, the reference the GPT reader is checked against. */
final class Sgdisk {

    /** One partition as {@code sgdisk -i N} prints it. */
    record Info(UUID typeGuid, UUID uniqueGuid, long firstLba, long lastLba, long attributes, String name) {
    }

    /** The disk as {@code sgdisk -p} prints it. */
    record Summary(UUID diskGuid, int entryCount, long firstUsableLba, long lastUsableLba) {
    }

    private Sgdisk() {
    }

    /** Runs sgdisk with {@code arguments} and then {@code device}. */
    static String run(Path device, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("sgdisk");
        command.addAll(List.of(arguments));
        command.add(device.toString());
        return ExternalCommand.run(command);
    }

    static Info info(Path device, int number) throws IOException {
        String output = run(device, "--info=" + number);
        return new Info(
                UUID.fromString(find(output, "Partition GUID code: (\\S+)")),
                UUID.fromString(find(output, "Partition unique GUID: (\\S+)")),
                Long.parseLong(find(output, "First sector: (\\d+)")),
                Long.parseLong(find(output, "Last sector: (\\d+)")),
                Long.parseUnsignedLong(find(output, "Attribute flags: ([0-9A-Fa-f]+)"), 16),
                find(output, "Partition name: '(.*)'"));
    }

    static Summary summary(Path device) throws IOException {
        String output = run(device, "--print");
        return new Summary(
                UUID.fromString(find(output, "Disk identifier \\(GUID\\): (\\S+)")),
                Integer.parseInt(find(output, "Partition table holds up to (\\d+) entries")),
                Long.parseLong(find(output, "First usable sector is (\\d+)")),
                Long.parseLong(find(output, "last usable sector is (\\d+)")));
    }

    private static String find(String output, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(output);
        if (!matcher.find()) {
            throw new AssertionError("sgdisk output has no match for " + regex + ":\n" + output);
        }
        return matcher.group(1);
    }
}
