package dev.runstream.bridge.aggregate.internal;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.registry.InvalidSchemaException;
import dev.runstream.bridge.registry.SchemaNotFoundException;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.serde.WireFormatException;
import dev.runstream.bridge.wire.ChunkKey;
import dev.runstream.bridge.wire.ControlRecord;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.RunIds;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.CancelRequest;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step before the summary processor: decodes a record of the chunks topic into its {@link StoredChunk}, or
 * refuses it when it does not decode, is not the chunk its key ({@link ChunkKey}) names, or is transient after all.
 * An erase marker (no value, {@link RunstreamHeaders#CONTROL} = {@code erase}, keyed by a run id) becomes
 * {@link FoldInput.Erase}; a record of the run-control topic becomes {@link FoldInput.Cancel} (or is refused when it is
 * not a cancel request of the run its key names); a tombstone of a chunk key (what an erase writes back to this topic) is skipped. A registry
 * that cannot be reached is not a reason to refuse: that error propagates and the record is read again by a new
 * stream thread.
 */
public final class ChunkAcceptor implements FixedKeyProcessor<String, byte[], Checked<FoldInput>> {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkAcceptor.class);

    private final ConfluentAvroSerde<ChunkRecord> chunkSerde;
    private final String controlTopic;
    private FixedKeyProcessorContext<String, Checked<FoldInput>> context;

    /** @param controlTopic the run-control topic, whose records are cancel requests rather than chunks */
    public ChunkAcceptor(ConfluentAvroSerde<ChunkRecord> chunkSerde, String controlTopic) {
        this.chunkSerde = Objects.requireNonNull(chunkSerde, "chunkSerde");
        this.controlTopic = Objects.requireNonNull(controlTopic, "controlTopic");
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Checked<FoldInput>> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        if (context.recordMetadata().map(RecordMetadata::topic).filter(controlTopic::equals).isPresent()) {
            control(record);
            return;
        }
        if (record.value() == null && RunIds.isValid(record.key())
                && RunstreamHeaders.isEraseMarker(record.headers())) {
            context.forward(record.withValue(Checked.accepted(new FoldInput.Erase(record.key()), null)));
            return;
        }
        if (record.value() == null && ChunkKey.parse(record.key()).isPresent()) {
            LOG.trace("Skipped the tombstone of chunk {} at {}", record.key(),
                    Checked.origin(context.recordMetadata()));
            return;
        }
        FoldInput chunk;
        try {
            chunk = new FoldInput.Fold(accept(record.key(), record.value()));
        } catch (Refused e) {
            Optional<RecordMetadata> metadata = context.recordMetadata();
            LOG.warn("Dead-lettered the record at {}: {}", Checked.origin(metadata), e.getMessage());
            context.forward(Checked.refuse(record, metadata, e.getMessage()));
            return;
        }
        context.forward(record.withValue(Checked.accepted(chunk, record.value())));
    }

    private void control(FixedKeyRecord<String, byte[]> record) {
        try {
            CancelRequest request = ControlRecord.cancelRequest(record.key(), record.value());
            context.forward(record.withValue(Checked.accepted(new FoldInput.Cancel(record.key(), request), null)));
        } catch (IllegalArgumentException e) {
            Optional<RecordMetadata> metadata = context.recordMetadata();
            LOG.warn("Dead-lettered the record at {}: {}", Checked.origin(metadata), e.getMessage());
            context.forward(Checked.refuse(record, metadata, e.getMessage()));
        }
    }

    private StoredChunk accept(String key, byte[] value) {
        ChunkKey chunkKey = ChunkKey.parse(key).orElseThrow(() -> new Refused("the key "
                + (key == null ? "is missing" : "is not <runId>/<sequence>") + ": chunks are keyed per chunk"));
        if (value == null) {
            throw new Refused("chunk " + key + ": the record has no value");
        }
        ChunkRecord decoded;
        try {
            decoded = chunkSerde.decode(value);
        } catch (WireFormatException | SchemaNotFoundException | InvalidSchemaException e) {
            throw new Refused("run '" + chunkKey.runId() + "': the value does not decode as a ChunkRecord: "
                    + e.getMessage(), e);
        }
        if (!chunkKey.runId().equals(decoded.getRunId())) {
            throw new Refused("run '" + chunkKey.runId() + "': field runId holds another run, '"
                    + decoded.getRunId() + "' (sequence " + decoded.getSequence() + ")");
        }
        if (chunkKey.sequence() != decoded.getSequence()) {
            throw new Refused("run '" + chunkKey.runId() + "': the key names chunk " + chunkKey.sequence()
                    + " but field sequence holds " + decoded.getSequence());
        }
        if (decoded.getTransient$()) {
            throw new Refused("run '" + chunkKey.runId() + "': chunk " + decoded.getSequence() + " of type '"
                    + decoded.getType() + "' is transient but reached the persisted log");
        }
        try {
            return ChunkRecordMapper.toStoredChunk(decoded);
        } catch (RuntimeException e) {
            throw new Refused("run '" + chunkKey.runId() + "': chunk " + decoded.getSequence() + " of type '"
                    + decoded.getType() + "' does not map to a chunk: " + e.getMessage(), e);
        }
    }

    /** Why a record is refused; carries no stack trace, it is a verdict, not a failure. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }

        Refused(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
