package dev.manifestinit.disk;

/** The two copies of a GPT header: the primary at LBA 1 and the backup at the last LBA of the disk. */
public enum GptHeaderCopy {
    PRIMARY("primary"),
    BACKUP("backup");

    private final String text;

    GptHeaderCopy(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }
}
