package dev.runstream.bridge.http.internal.auth;

import java.util.Locale;

/**
 * What a scoped token may do to the runs it names.
 */
public enum Scope {
    /** The run's summary ({@code GET /v1/runs/{runId}}) and its SSE stream. */
    READ,
    /** Ingest ({@code POST /v1/runs/{runId}/chunks}). */
    WRITE,
    /** Cancelling the run ({@code POST /v1/runs/{runId}/cancel}). */
    CANCEL;

    /** The name on the wire: {@code read}, {@code write}, {@code cancel}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope named {@code name} (exactly as on the wire), or {@link IllegalArgumentException} naming it. */
    public static Scope parse(String name) {
        for (Scope scope : values()) {
            if (scope.wireName().equals(name)) {
                return scope;
            }
        }
        throw new IllegalArgumentException("'" + printable(name) + "' is not a scope (read, write, cancel)");
    }

    static String printable(String text) {
        String cut = text.length() > 32 ? text.substring(0, 32) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
