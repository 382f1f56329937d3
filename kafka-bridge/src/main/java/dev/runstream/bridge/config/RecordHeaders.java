package dev.runstream.bridge.config;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** The record headers Runstream writes, so that routers and filters need not decode a value. */
public final class RecordHeaders {

    /** The chunk type, e.g. {@code text-delta}. */
    public static final String TYPE = "runstream.type";
    /** {@code true} or {@code false}: whether the chunk is transient. */
    public static final String TRANSIENT = "runstream.transient";
    /** The chunk's sequence number in its run, as decimal text. */
    public static final String SEQUENCE = "runstream.sequence";
    /** On a dead letter: why it was refused. */
    public static final String ERROR = "runstream.error";
    /** On a dead letter: where it came from, {@code topic-partition@offset}. */
    public static final String ORIGIN = "runstream.origin";

    private RecordHeaders() {
    }

    public static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The last value of a header as text, or null. */
    public static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Whether the record says it is transient ({@code null} when the header is missing). */
    public static Boolean isTransient(Headers headers) {
        String value = get(headers, TRANSIENT);
        return value == null ? null : Boolean.valueOf(value);
    }
}
