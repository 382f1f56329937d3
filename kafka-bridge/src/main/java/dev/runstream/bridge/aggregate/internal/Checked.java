package dev.runstream.bridge.aggregate.internal;

import dev.runstream.bridge.wire.RunstreamHeaders;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A record's value after a check: either accepted (with what the next step needs) or refused (with the original
 * bytes, bound for the dead-letter topic). It only travels between processors of one sub-topology, never through a
 * topic, so it needs no serde.
 *
 * @param value    what the next step takes; null when refused
 * @param original the bytes as they were read
 * @param reason   why the record was refused; null when accepted
 */
public record Checked<T>(T value, byte[] original, String reason) {

    public static <T> Checked<T> accepted(T value, byte[] original) {
        return new Checked<>(value, original, null);
    }

    public boolean isRefused() {
        return reason != null;
    }

    /**
     * The refusal of {@code record}: the original key, value and headers, plus {@link RunstreamHeaders#ERROR} = reason
     * and {@link RunstreamHeaders#ORIGIN} = {@code topic-partition@offset}.
     */
    public static <T> FixedKeyRecord<String, Checked<T>> refuse(FixedKeyRecord<String, byte[]> record,
                                                                Optional<RecordMetadata> metadata, String reason) {
        return record.<Checked<T>>withValue(new Checked<>(null, record.value(), reason))
                .withHeaders(refusalHeaders(record.headers(), metadata, reason));
    }

    /** {@link #refuse(FixedKeyRecord, Optional, String)} for a processor that may change keys; the key is kept. */
    public static <T> Record<String, Checked<T>> refuse(Record<String, byte[]> record,
                                                        Optional<RecordMetadata> metadata, String reason) {
        return record.<Checked<T>>withValue(new Checked<>(null, record.value(), reason))
                .withHeaders(refusalHeaders(record.headers(), metadata, reason));
    }

    private static Headers refusalHeaders(Headers original, Optional<RecordMetadata> metadata, String reason) {
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders(original.toArray());
        RunstreamHeaders.put(headers, RunstreamHeaders.ERROR, reason);
        RunstreamHeaders.put(headers, RunstreamHeaders.ORIGIN, origin(metadata));
        return headers;
    }

    /** {@code topic-partition@offset} of the record being processed, or {@code unknown}. */
    public static String origin(Optional<RecordMetadata> metadata) {
        return metadata.map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("unknown");
    }
}
