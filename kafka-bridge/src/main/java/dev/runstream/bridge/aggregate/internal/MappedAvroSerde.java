package dev.runstream.bridge.aggregate.internal;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.avro.RunSummaryMapper;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunSummary;
import java.util.Objects;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde of a core type written as its generated Avro record in the Confluent wire format, through the record's
 * one mapper: what is stored and what any Confluent-compatible reader sees is the Avro record.
 */
public final class MappedAvroSerde<T, R extends SpecificRecord> implements Serde<T> {

    private final ConfluentAvroSerde<R> avro;
    private final Function<T, R> toRecord;
    private final Function<R, T> fromRecord;

    private MappedAvroSerde(ConfluentAvroSerde<R> avro, Function<T, R> toRecord, Function<R, T> fromRecord) {
        this.avro = Objects.requireNonNull(avro, "avro");
        this.toRecord = toRecord;
        this.fromRecord = fromRecord;
    }

    /** Core run summaries as Avro {@code dev.runstream.avro.RunSummary}. */
    public static MappedAvroSerde<RunSummary, dev.runstream.avro.RunSummary> runSummaries(
            SchemaRegistryClient registry) {
        return new MappedAvroSerde<>(new ConfluentAvroSerde<>(dev.runstream.avro.RunSummary.class,
                dev.runstream.avro.RunSummary.getClassSchema(), registry),
                RunSummaryMapper::toRecord, RunSummaryMapper::fromRecord);
    }

    /** Stored chunks as Avro {@link ChunkRecord}. */
    public static MappedAvroSerde<StoredChunk, ChunkRecord> storedChunks(SchemaRegistryClient registry) {
        return new MappedAvroSerde<>(chunkRecords(registry), ChunkRecordMapper::toRecord,
                ChunkRecordMapper::toStoredChunk);
    }

    /** {@link ChunkRecord}s themselves. */
    public static ConfluentAvroSerde<ChunkRecord> chunkRecords(SchemaRegistryClient registry) {
        return new ConfluentAvroSerde<>(ChunkRecord.class, ChunkRecord.getClassSchema(), registry);
    }

    public byte[] encode(T value) {
        return avro.encode(toRecord.apply(value));
    }

    public T decode(byte[] bytes) {
        return fromRecord.apply(avro.decode(bytes));
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
