package dev.manifestinit.validation;

import java.util.Locale;

public enum Severity {
    ERROR,
    WARNING;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
