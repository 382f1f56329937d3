package dev.runstream.core;

/**
 * The rule for run ids. A run id becomes part of a Kafka topic name ({@code prefix.run.<runId>}), so only
 * {@code [A-Za-z0-9._-]} is allowed, at most {@value #MAX_LENGTH} characters, not {@code .} or {@code ..}, and not
 * starting with {@value #RESERVED_PREFIX}.
 * A bad id is refused with {@link InvalidRunIdException}; it is never rewritten.
 */
public final class RunIds {

    /** Kafka topic names are at most 249 characters; this leaves room for the prefix and {@code .run.}. */
    public static final int MAX_LENGTH = 128;

    /** Run ids starting with this are Runstream's own (e.g. the aggregator's anchor topic). */
    public static final String RESERVED_PREFIX = "--";

    private RunIds() {
    }

    /** Returns {@code runId} when it is valid, or throws {@link InvalidRunIdException} saying why not. */
    public static String requireValid(String runId) {
        if (runId == null) {
            throw new InvalidRunIdException(null, "missing");
        }
        if (runId.isEmpty()) {
            throw new InvalidRunIdException(runId, "empty");
        }
        if (runId.length() > MAX_LENGTH) {
            throw new InvalidRunIdException(runId, "longer than " + MAX_LENGTH + " characters");
        }
        if (runId.equals(".") || runId.equals("..")) {
            throw new InvalidRunIdException(runId, "'.' and '..' are not run ids");
        }
        if (runId.startsWith(RESERVED_PREFIX)) {
            throw new InvalidRunIdException(runId, "ids starting with '" + RESERVED_PREFIX
                    + "' are reserved for Runstream's own topics");
        }
        for (int i = 0; i < runId.length(); i++) {
            char c = runId.charAt(i);
            if (!isAllowed(c)) {
                throw new InvalidRunIdException(runId,
                        String.format("character U+%04X at index %d is not one of [A-Za-z0-9._-]", (int) c, i));
            }
        }
        return runId;
    }

    /** Whether {@code runId} is a valid run id. */
    public static boolean isValid(String runId) {
        try {
            requireValid(runId);
            return true;
        } catch (InvalidRunIdException e) {
            return false;
        }
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }

    /** A form of an untrusted id that is safe to put in a message: escaped and cut to a bounded length. */
    static String printable(String runId) {
        if (runId == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        int limit = Math.min(runId.length(), MAX_LENGTH + 8);
        for (int i = 0; i < limit; i++) {
            char c = runId.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        if (runId.length() > limit) {
            out.append("...(").append(runId.length()).append(" chars)");
        }
        return out.toString();
    }
}
