package dev.runstream.bridge.aggregate.internal;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.config.SourceMode;
import dev.runstream.bridge.registry.InvalidSchemaException;
import dev.runstream.bridge.registry.SchemaNotFoundException;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.serde.WireFormatException;
import dev.runstream.bridge.wire.ChunkKey;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.RunIds;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate between the source and the persisted changelog, its first step: checks each record's key and origin,
 * drops transient chunks by their {@link RunstreamHeaders#TRANSIENT} header without
 * decoding them, and passes the rest on with their bytes and headers unchanged, keyed per chunk
 * ({@link ChunkKey}: {@code <runId>/<sequence>}, the sequence from the {@link RunstreamHeaders#SEQUENCE} header). A
 * record without those headers is decoded to decide; one that does not decode is refused. A record whose key is not
 * a run id, or (pattern mode) not the run of its topic, or that comes from a reserved run topic such as the anchor,
 * is refused too. An erase marker (no value, {@link RunstreamHeaders#CONTROL} = {@code erase}) passes on keyed by its
 * run id. A registry that cannot be reached is not a reason to refuse: that error propagates, the stream thread is
 * replaced and the record is read again.
 */
public final class SourceRecordGate implements Processor<String, byte[], String, Checked<byte[]>> {

    private static final Logger LOG = LoggerFactory.getLogger(SourceRecordGate.class);

    private final RunTopics topics;
    private final SourceMode source;
    private final ConfluentAvroSerde<ChunkRecord> chunkSerde;
    private ProcessorContext<String, Checked<byte[]>> context;

    /**
     * @param source where the records come from: the run topics (pattern) or the ingest topic
     */
    public SourceRecordGate(RunTopics topics, SourceMode source, ConfluentAvroSerde<ChunkRecord> chunkSerde) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.source = source;
        this.chunkSerde = Objects.requireNonNull(chunkSerde, "chunkSerde");
    }

    @Override
    public void init(ProcessorContext<String, Checked<byte[]>> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Optional<RecordMetadata> metadata = context.recordMetadata();
        String refusal = keyRefusal(record.key(), metadata);
        if (refusal == null && record.value() == null) {
            if (RunstreamHeaders.isEraseMarker(record.headers())) {
                LOG.info("Erase marker of run '{}' at {}", record.key(), Checked.origin(metadata));
                context.forward(record.withValue(Checked.accepted(null, null)));
                return;
            }
            refusal = "run '" + record.key() + "': the record has no value";
        }
        if (refusal == null) {
            try {
                pass(record, metadata);
                return;
            } catch (UndecodableChunk e) {
                refusal = e.getMessage();
            }
        }
        LOG.warn("Dead-lettered the record at {}: {}", Checked.origin(metadata), refusal);
        context.forward(Checked.refuse(record, metadata, refusal));
    }

    /** Drops a transient chunk, or forwards a persistent one keyed by its chunk key. */
    private void pass(Record<String, byte[]> record, Optional<RecordMetadata> metadata) {
        Boolean isTransient = RunstreamHeaders.isTransient(record.headers());
        if (Boolean.TRUE.equals(isTransient)) {
            LOG.trace("Dropped transient chunk of run '{}' at {}", record.key(), Checked.origin(metadata));
            return;
        }
        long sequence = sequenceHeader(record.headers());
        if (isTransient == null || sequence < 0) {
            ChunkRecord decoded = decode(record);
            // A chunk headed persistent is passed on even when it is transient: the chunks' acceptor dead-letters
            // it there, rather than it being dropped here without a trace.
            if (decoded.getTransient$() && isTransient == null) {
                LOG.trace("Dropped transient chunk of run '{}' at {}", record.key(), Checked.origin(metadata));
                return;
            }
            sequence = decoded.getSequence();
        }
        context.forward(record.withKey(new ChunkKey(record.key(), sequence).toString())
                .withValue(Checked.accepted(record.value(), record.value())));
    }

    private ChunkRecord decode(Record<String, byte[]> record) {
        try {
            ChunkRecord decoded = chunkSerde.decode(record.value());
            if (decoded.getSequence() < 0) {
                throw new UndecodableChunk("run '" + record.key() + "': negative sequence " + decoded.getSequence());
            }
            return decoded;
        } catch (WireFormatException | SchemaNotFoundException | InvalidSchemaException e) {
            throw new UndecodableChunk("run '" + record.key() + "': no " + RunstreamHeaders.TRANSIENT + " or "
                    + RunstreamHeaders.SEQUENCE + " header and the value does not decode as a ChunkRecord: "
                    + e.getMessage());
        }
    }

    /** The {@link RunstreamHeaders#SEQUENCE} header as a sequence number, or -1 when it is missing or not one. */
    private static long sequenceHeader(Headers headers) {
        String text = RunstreamHeaders.get(headers, RunstreamHeaders.SEQUENCE);
        if (text == null) {
            return -1;
        }
        try {
            return Math.max(-1, Long.parseLong(text));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Why the key cannot be the record's run, or null when it can. */
    private String keyRefusal(String key, Optional<RecordMetadata> metadata) {
        Optional<String> topicRunId = source == SourceMode.PATTERN
                ? metadata.flatMap(m -> topics.runIdOf(m.topic())) : Optional.empty();
        if (topicRunId.isPresent() && topicRunId.get().startsWith(RunIds.RESERVED_PREFIX)) {
            return "the topic " + metadata.map(RecordMetadata::topic).orElse("") + " is Runstream's own (a reserved "
                    + "run id, e.g. the anchor of the pattern source) and carries no run";
        }
        if (!RunIds.isValid(key)) {
            return "the key " + (key == null ? "is missing" : "'" + printable(key) + "' is not a run id")
                    + ": chunks are keyed by their run id";
        }
        if (topicRunId.isPresent() && !topicRunId.get().equals(key)) {
            return "run '" + key + "' written to the topic of run '" + topicRunId.get() + "'";
        }
        return null;
    }

    private static String printable(String key) {
        String cut = key.length() > 64 ? key.substring(0, 64) + "…" : key;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }

    /** Why a record is refused; carries no stack trace, it is a verdict, not a failure. */
    private static final class UndecodableChunk extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UndecodableChunk(String message) {
            super(message, null, false, false);
        }
    }
}
