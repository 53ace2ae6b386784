package dev.manifestinit.manifest;

/**
 * An absolute, normalized path: it starts with {@code /} and has no empty, {@code .} or {@code ..}
 * component and no trailing slash (except the root itself). Made only through {@link #parse}.
 */
public record AbsolutePath(String value) implements Comparable<AbsolutePath> {
    public static final AbsolutePath ROOT = new AbsolutePath("/");

    public AbsolutePath {
        String problem = problemWith(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    public static AbsolutePath parse(String text) {
        return new AbsolutePath(text);
    }

    /** Returns why {@code text} is not an absolute normalized path, or null when it is one. */
    public static String problemWith(String text) {
        if (text == null || text.isEmpty()) {
            return "expected an absolute path such as /var, got an empty string";
        }
        if (!text.startsWith("/")) {
            return "expected an absolute path starting with /, got '" + text + "'";
        }
        if (text.indexOf('\0') >= 0) {
            return "a path must not contain a NUL character";
        }
        if (text.equals("/")) {
            return null;
        }
        if (text.endsWith("/")) {
            return "path '" + text + "' must not end with /";
        }
        for (String component : text.substring(1).split("/", -1)) {
            if (component.isEmpty()) {
                return "path '" + text + "' must not contain //";
            }
            if (component.equals(".") || component.equals("..")) {
                return "path '" + text + "' must not contain . or .. components";
            }
        }
        return null;
    }

    /** Returns this path placed below {@code root}: /var below /newroot is /newroot/var. */
    public AbsolutePath under(AbsolutePath root) {
        if (root.isRoot()) {
            return this;
        }
        return isRoot() ? root : new AbsolutePath(root.value + value);
    }

    /** Whether this path is {@code other} or lies below it. */
    public boolean isWithin(AbsolutePath other) {
        return other.isRoot() || value.equals(other.value) || value.startsWith(other.value + "/");
    }

    public boolean isRoot() {
        return value.equals("/");
    }

    /** The parent directory; the root is its own parent. */
    public AbsolutePath parent() {
        int slash = value.lastIndexOf('/');
        return slash <= 0 ? ROOT : new AbsolutePath(value.substring(0, slash));
    }

    @Override
    public int compareTo(AbsolutePath other) {
        return value.compareTo(other.value);
    }

    /**
     * Written out, like {@link #hashCode}: a record's generated equals and hashCode link through
     * invokedynamic at their first call, which costs the boot milliseconds per record class, and
     * the boot uses this record as a map key.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof AbsolutePath that && value.equals(that.value);
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
