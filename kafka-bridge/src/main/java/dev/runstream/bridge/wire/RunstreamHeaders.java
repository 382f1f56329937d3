package dev.runstream.bridge.wire;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** The record headers Runstream writes, so that routers and filters need not decode a value. */
public final class RunstreamHeaders {

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
    /**
     * On a record with no value that is an instruction rather than a chunk: what to do ({@link #CONTROL_ERASE}).
     */
    public static final String CONTROL = "runstream.control";
    /** {@link #CONTROL}: erase the run of the record's key (its summary and persisted chunks). */
    public static final String CONTROL_ERASE = "erase";
    /** On an erase marker, and on the summary tombstone that answers it: the erase's own id. */
    public static final String ERASE_ID = "runstream.erase.id";
    /** On the summary tombstone of an erase: how many chunk tombstones it wrote to {@code prefix.chunks}. */
    public static final String ERASED_CHUNKS = "runstream.erase.chunks";
    /** On the summary tombstone of an erase: {@code true} when the run had a summary to remove. */
    public static final String ERASED_SUMMARY = "runstream.erase.summary";
    /** On the summary tombstone of an erase: the offset of the erase marker in its partition of the chunks topic. */
    public static final String ERASE_MARKER_OFFSET = "runstream.erase.marker.offset";

    private RunstreamHeaders() {
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

    /** Whether the record is an erase marker: {@link #CONTROL} = {@link #CONTROL_ERASE}. */
    public static boolean isEraseMarker(Headers headers) {
        return CONTROL_ERASE.equals(get(headers, CONTROL));
    }

    /** Whether the record says it is transient ({@code null} when the header is missing). */
    public static Boolean isTransient(Headers headers) {
        String value = get(headers, TRANSIENT);
        return value == null ? null : Boolean.valueOf(value);
    }
}
