package dev.runstream.benchmarks.load;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * A chunk as raw Kafka writes it in the benchmarks: the very bytes {@code KafkaRunPublisher} would write (the
 * Confluent-framed Avro record, encoded once, ahead of time) and the same three headers. Raw Kafka thus writes the
 * same bytes without paying for the encoding.
 */
public record RawChunk(String runId, String type, boolean isTransient, long sequence, byte[] frame) {

    /** The frame of {@code chunk} as the {@code sequence}-th chunk of {@code runId}. */
    public static RawChunk of(String runId, long sequence, Chunk chunk, ConfluentAvroSerde<ChunkRecord> serde) {
        StoredChunk stored = new StoredChunk(runId, sequence, Instant.now(), chunk);
        return new RawChunk(runId, chunk.type(), chunk.isTransient(), sequence,
                serde.encode(ChunkRecordMapper.toRecord(stored)));
    }

    /** A producer record of this chunk to {@code topic}, timestamped now. */
    public ProducerRecord<String, byte[]> toRecord(String topic) {
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        RunstreamHeaders.put(headers, RunstreamHeaders.TYPE, type);
        RunstreamHeaders.put(headers, RunstreamHeaders.TRANSIENT, Boolean.toString(isTransient));
        RunstreamHeaders.put(headers, RunstreamHeaders.SEQUENCE, Long.toString(sequence));
        return new ProducerRecord<>(topic, null, System.currentTimeMillis(), runId, frame, headers);
    }
}
