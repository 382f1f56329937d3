package dev.runstream.bridge.subscribe.internal;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.core.chunk.StoredChunk;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes run-topic records to stored chunks; a record that does not decode, or whose chunk belongs to another run
 * than its key, is logged with its position and skipped: a reader of one run never gets another run's chunk.
 */
public final class ChunkRecordReader {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkRecordReader.class);

    private final ConfluentAvroSerde<ChunkRecord> serde;

    public ChunkRecordReader(ConfluentAvroSerde<ChunkRecord> serde) {
        this.serde = serde;
    }

    public Optional<StoredChunk> read(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            StoredChunk chunk = ChunkRecordMapper.toStoredChunk(serde.decode(record.value()));
            // Run topics are keyed by run id, <prefix>.chunks by <runId>/<sequence>.
            String keyRun = dev.runstream.bridge.wire.ChunkKey.parse(record.key())
                    .map(dev.runstream.bridge.wire.ChunkKey::runId).orElse(record.key());
            if (!chunk.runId().equals(keyRun)) {
                LOG.warn("skipped record {}-{}@{}: a chunk of another run than its key", record.topic(),
                        record.partition(), record.offset());
                return Optional.empty();
            }
            return Optional.of(chunk);
        } catch (RuntimeException e) {
            LOG.warn("skipped undecodable record {}-{}@{} ({} bytes): {}", record.topic(), record.partition(),
                    record.offset(), record.value().length, e.getMessage());
            return Optional.empty();
        }
    }
}
