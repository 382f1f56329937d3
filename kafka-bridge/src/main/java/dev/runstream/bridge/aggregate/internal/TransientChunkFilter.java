package dev.runstream.bridge.aggregate.internal;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.config.RecordHeaders;
import dev.runstream.bridge.config.RunTopics;
import dev.runstream.bridge.registry.InvalidSchemaException;
import dev.runstream.bridge.registry.SchemaNotFoundException;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.serde.WireFormatException;
import dev.runstream.core.RunIds;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step after the source: drops transient chunks by their {@link RecordHeaders#TRANSIENT} header without
 * decoding them, and passes the rest on with their bytes unchanged. A record without the header is decoded to decide;
 * one that does not decode is refused. A record whose key is not a run id, or (pattern mode) not the run of its
 * topic, or that comes from a reserved run topic such as the anchor, is refused too. A registry that cannot be
 * reached is not a reason to refuse: that error propagates, the stream thread is replaced and the record is read
 * again.
 */
public final class TransientChunkFilter implements FixedKeyProcessor<String, byte[], Checked<byte[]>> {

    private static final Logger LOG = LoggerFactory.getLogger(TransientChunkFilter.class);

    private final RunTopics topics;
    private final boolean patternSource;
    private final ConfluentAvroSerde<ChunkRecord> chunkSerde;
    private FixedKeyProcessorContext<String, Checked<byte[]>> context;

    /**
     * @param patternSource whether records come from the run topics (else from the ingest topic)
     */
    public TransientChunkFilter(RunTopics topics, boolean patternSource, ConfluentAvroSerde<ChunkRecord> chunkSerde) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.patternSource = patternSource;
        this.chunkSerde = Objects.requireNonNull(chunkSerde, "chunkSerde");
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Checked<byte[]>> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        Optional<RecordMetadata> metadata = context.recordMetadata();
        String refusal = keyRefusal(record.key(), metadata);
        if (refusal == null && record.value() == null) {
            refusal = "run '" + record.key() + "': the record has no value";
        }
        if (refusal == null) {
            Boolean isTransient = RecordHeaders.isTransient(record.headers());
            if (isTransient == null) {
                try {
                    isTransient = chunkSerde.decode(record.value()).getTransient$();
                } catch (WireFormatException | SchemaNotFoundException | InvalidSchemaException e) {
                    refusal = "run '" + record.key() + "': no " + RecordHeaders.TRANSIENT
                            + " header and the value does not decode as a ChunkRecord: " + e.getMessage();
                }
            }
            if (refusal == null) {
                if (isTransient) {
                    LOG.trace("Dropped transient chunk of run '{}' at {}", record.key(), Checked.origin(metadata));
                } else {
                    context.forward(record.withValue(Checked.accepted(record.value(), record.value())));
                }
                return;
            }
        }
        LOG.warn("Dead-lettered the record at {}: {}", Checked.origin(metadata), refusal);
        context.forward(Checked.refuse(record, metadata, refusal));
    }

    /** Why the key cannot be the record's run, or null when it can. */
    private String keyRefusal(String key, Optional<RecordMetadata> metadata) {
        Optional<String> topicRunId = patternSource
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
}
