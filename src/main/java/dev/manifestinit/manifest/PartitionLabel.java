package dev.manifestinit.manifest;

/**
 * A GPT partition name. The GPT entry holds it in 36 UTF-16 code units; it never contains
 * {@code /} or NUL, so it can never turn into a path.
 */
public record PartitionLabel(String value) {
    /** Size of the name field of a GPT partition entry, in UTF-16 code units. */
    public static final int MAX_LENGTH = 36;

    public PartitionLabel {
        String problem = problemWith(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    public static PartitionLabel parse(String text) {
        return new PartitionLabel(text);
    }

    /** Returns why {@code text} cannot be a partition label, or null when it can. */
    public static String problemWith(String text) {
        if (text == null || text.isEmpty()) {
            return "a partition label must not be empty";
        }
        if (text.indexOf('/') >= 0) {
            return "partition label '" + text + "' must not contain /";
        }
        if (text.indexOf('\0') >= 0) {
            return "a partition label must not contain a NUL character";
        }
        if (text.equals(".") || text.equals("..")) {
            return "partition label '" + text + "' must not be . or ..";
        }
        if (text.length() > MAX_LENGTH) {
            return "partition label '" + text + "' has " + text.length()
                    + " UTF-16 code units; a GPT name holds at most " + MAX_LENGTH;
        }
        return null;
    }

    /**
     * Written out, like {@link #hashCode}: a record's generated equals and hashCode link through
     * invokedynamic at their first call, which costs the boot milliseconds per record class, and
     * the boot uses this record as a map key.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof PartitionLabel that && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
