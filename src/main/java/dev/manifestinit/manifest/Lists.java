package dev.manifestinit.manifest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

final class Lists {
    private Lists() {
    }

    /**
     * Returns an unmodifiable copy, or an empty list for null. Unlike List.copyOf it keeps null
     * elements, which the loader leaves for values it could not convert, so that validation can
     * still point at them.
     */
    static <T> List<T> copyOf(List<T> list) {
        return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }
}
