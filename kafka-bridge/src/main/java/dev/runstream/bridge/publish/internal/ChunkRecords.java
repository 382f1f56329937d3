package dev.runstream.bridge.publish.internal;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.config.RunLayout;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.chunk.StoredChunk;
import java.util.List;

/**
 * The Kafka records of one numbered chunk: its record on the run's topic (keyed by run id, with its type, transient
 * flag and sequence in headers, timestamped with the chunk's time) and, in the ingest source mode, the same bytes and
 * headers on {@code prefix.ingest}, written in the same transaction. In the shared layout its one record goes to
 * {@code prefix.runs}, partitioned by run id. A chunk Kafka would refuse for its size is
 * refused here first.
 */
public final class ChunkRecords {

    /** More than a record's batch, record and header overhead, so that a chunk Kafka would refuse is refused first. */
    private static final int RECORD_OVERHEAD = 256;

    private final RunTopics topics;
    private final boolean ingest;
    private final boolean shared;
    private final ConfluentAvroSerde<ChunkRecord> serde;
    private final int maxRequestSize;

    /** What a chunk came to: its records, or why it cannot be written. */
    public sealed interface Encoded {
        /** The records to send, the run topic's first. */
        record Records(List<org.apache.kafka.clients.producer.ProducerRecord<String, byte[]>> records)
                implements Encoded {
        }

        /** Larger than the producer sends. */
        record TooLarge(String reason) implements Encoded {
        }
    }

    /**
     * @param layout where the run's record goes: its topic, or {@code prefix.runs}
     * @param ingest whether the run-topic record is also written to {@code prefix.ingest} (topic-per-run layout)
     */
    public ChunkRecords(RunTopics topics, RunLayout layout, boolean ingest, ConfluentAvroSerde<ChunkRecord> serde,
            int maxRequestSize) {
        this.topics = topics;
        this.shared = layout == RunLayout.SHARED;
        this.ingest = ingest && !shared;
        this.serde = serde;
        this.maxRequestSize = maxRequestSize;
    }

    public Encoded encode(StoredChunk stored) {
        String runId = stored.runId();
        byte[] value = serde.encode(ChunkRecordMapper.toRecord(stored));
        if (value.length + runId.length() + RECORD_OVERHEAD > maxRequestSize) {
            return new Encoded.TooLarge("run '" + runId + "': chunk " + stored.sequence() + " ("
                    + stored.chunk().type() + ") is too large for Kafka: " + value.length + " bytes, "
                    + "max.request.size " + maxRequestSize + "; not written");
        }
        var record = new org.apache.kafka.clients.producer.ProducerRecord<String, byte[]>(
                shared ? topics.runs() : topics.runTopic(runId), null, stored.timestamp().toEpochMilli(), runId, value);
        RunstreamHeaders.put(record.headers(), RunstreamHeaders.TYPE, stored.chunk().type());
        RunstreamHeaders.put(record.headers(), RunstreamHeaders.TRANSIENT,
                Boolean.toString(stored.chunk().isTransient()));
        RunstreamHeaders.put(record.headers(), RunstreamHeaders.SEQUENCE, Long.toString(stored.sequence()));
        if (!ingest) {
            return new Encoded.Records(List.of(record));
        }
        return new Encoded.Records(List.of(record, new org.apache.kafka.clients.producer.ProducerRecord<>(
                topics.ingest(), null, record.timestamp(), runId, value, record.headers())));
    }
}
