package dev.manifestinit.exec;

/** Formats an exception and its causes as one line for the console. */
public final class Causes {
    private Causes() {
    }

    /** Joins the messages of {@code error} and its causes with ": ", skipping repeats. */
    public static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        String previous = null;
        for (Throwable current = error; current != null; current = current.getCause()) {
            String message = current.getMessage();
            if (message == null || message.isBlank()) {
                message = current.getClass().getSimpleName();
            }
            if (previous != null && previous.contains(message)) {
                continue;
            }
            if (text.length() > 0) {
                text.append(": ");
            }
            text.append(message);
            previous = message;
        }
        return text.toString();
    }
}
