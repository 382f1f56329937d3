package dev.runstream.bridge.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.aggregate.internal.AggregatorProperties;
import dev.runstream.bridge.aggregate.internal.MappedAvroSerde;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.fold.StepSummary;
import dev.runstream.core.testing.Corpus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.test.TestRecord;

/**
 * {@link TopologyTestDriver} on the production {@link RunAggregationTopology#build} with an in-memory registry: writes
 * chunks as the publisher does (key run id, Confluent-framed {@link ChunkRecord}, type/transient/sequence headers)
 * and reads the store and the output topics.
 */
final class TopologyFixture implements AutoCloseable {

    static final String PREFIX = "runstream";

    final RunTopics topics = new RunTopics(PREFIX);
    final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    final ConfluentAvroSerde<ChunkRecord> chunkSerde = MappedAvroSerde.chunkRecords(registry);
    final MappedAvroSerde<RunSummary, ?> summarySerde = MappedAvroSerde.runSummaries(registry);
    final TopologyTestDriver driver;
    final String sourceMode;
    final TestOutputTopic<String, byte[]> chunks;
    final TestOutputTopic<String, byte[]> deadLetters;
    final TestOutputTopic<String, RunSummary> summaries;
    private final Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();

    /** The wall clock the driver starts at: the corpus' chunks are stamped from there on, a millisecond apart. */
    static final Instant START = Instant.ofEpochMilli(1_800_000_000_000L);

    private final RunstreamConfig config;

    TopologyFixture(String sourceMode, Path stateDir) {
        this(sourceMode, stateDir, Map.of());
    }

    /** With more settings, e.g. {@code run.abandon.after.ms}; the driver's wall clock starts at {@link #START}. */
    TopologyFixture(String sourceMode, Path stateDir, Map<String, Object> settings) {
        this.sourceMode = sourceMode;
        this.config = config(sourceMode, settings);
        Properties props = AggregatorProperties.of(config);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(RunAggregationTopology.build(config, registry), props, START);
        chunks = driver.createOutputTopic(topics.chunks(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
        summaries = driver.createOutputTopic(topics.runSummaries(), Serdes.String().deserializer(),
                summarySerde.deserializer());
    }

    static RunstreamConfig config(String sourceMode) {
        return config(sourceMode, Map.of());
    }

    static RunstreamConfig config(String sourceMode, Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put(RunstreamConfig.PREFIX_CONFIG, PREFIX);
        all.put(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        all.put(RunstreamConfig.SOURCE_MODE_CONFIG, sourceMode);
        return new RunstreamConfig(all);
    }

    /**
     * Lets the wall clock run one emit interval ({@code aggregator.commit.interval.ms}), so that the summary changes
     * held back for running runs are emitted.
     */
    void emitPendingSummaries() {
        advanceWallClock(Duration.ofMillis(config.getLong(RunstreamConfig.AGGREGATOR_COMMIT_INTERVAL_MS_CONFIG)));
    }

    void advanceWallClock(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    /** Writes an erase marker for {@code runId} to its source, as {@code RunEraser} does. */
    void erase(String runId, String eraseId) {
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        RunstreamHeaders.put(headers, RunstreamHeaders.CONTROL, RunstreamHeaders.CONTROL_ERASE);
        RunstreamHeaders.put(headers, RunstreamHeaders.ERASE_ID, eraseId);
        pipe(runId, runId, null, headers);
    }

    /** Writes a cancel request for {@code runId} to the run-control topic, as {@code RunControl} does. */
    void requestCancel(String runId, dev.runstream.core.fold.CancelRequest request) {
        pipeTo(topics.runControl(), runId, dev.runstream.bridge.wire.ControlRecord.cancelValue(runId, request),
                new org.apache.kafka.common.header.internals.RecordHeaders());
    }

    /** The chunks of a corpus file, attributed to {@code runId}, numbered from {@code firstSequence}. */
    static List<StoredChunk> corpus(String scenario, String file, String runId, long firstSequence) {
        List<StoredChunk> out = new ArrayList<>();
        for (StoredChunk stored : Corpus.stored(Corpus.chunks(scenario, file), firstSequence)) {
            out.add(new StoredChunk(runId, stored.sequence(), stored.timestamp(), stored.chunk().attributedTo(runId)));
        }
        return out;
    }

    /** RunFold over the chunks the aggregator keeps: the non-transient ones. */
    static RunSummary expectedSummary(String runId, List<StoredChunk> chunks) {
        RunFold.Accumulator fold = RunFold.accumulator(runId);
        chunks.stream().filter(c -> !c.chunk().isTransient()).forEach(fold::accept);
        return fold.summary();
    }

    byte[] encode(StoredChunk chunk) {
        return chunkSerde.encode(ChunkRecordMapper.toRecord(chunk));
    }

    /** Writes the chunks as the publisher does: to the run topic, or to the ingest topic in ingest mode. */
    List<byte[]> publish(List<StoredChunk> chunks) {
        List<byte[]> written = new ArrayList<>();
        for (StoredChunk chunk : chunks) {
            byte[] value = encode(chunk);
            pipe(chunk.runId(), chunk.runId(), value, publisherHeaders(chunk));
            written.add(value);
        }
        return written;
    }

    static Headers publisherHeaders(StoredChunk chunk) {
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        RunstreamHeaders.put(headers, RunstreamHeaders.TYPE, chunk.chunk().type());
        RunstreamHeaders.put(headers, RunstreamHeaders.TRANSIENT, Boolean.toString(chunk.chunk().isTransient()));
        RunstreamHeaders.put(headers, RunstreamHeaders.SEQUENCE, Long.toString(chunk.sequence()));
        return headers;
    }

    /** A record of the source: to {@code runTopicOf}'s topic (pattern mode) or the ingest topic. */
    void pipe(String runTopicOf, String key, byte[] value, Headers headers) {
        String topic = RunstreamConfig.SOURCE_MODE_INGEST.equals(sourceMode)
                ? topics.ingest() : topics.runTopic(runTopicOf);
        pipeTo(topic, key, value, headers);
    }

    void pipeTo(String topic, String key, byte[] value, Headers headers) {
        inputs.computeIfAbsent(topic, t -> driver.createInputTopic(t, Serdes.String().serializer(),
                        Serdes.ByteArray().serializer()))
                .pipeInput(new TestRecord<>(key, value, headers, Instant.ofEpochMilli(1_800_000_000_000L)));
    }

    RunSummary stored(String runId) {
        KeyValueStore<String, ValueAndTimestamp<RunSummary>> store =
                driver.getTimestampedKeyValueStore(topics.summaryStore());
        ValueAndTimestamp<RunSummary> stored = store.get(runId);
        return stored == null ? null : stored.value();
    }

    /** Whether two summaries agree, comparing usage by its JSON (the Avro mapping does not keep the raw form). */
    static void assertSameSummary(RunSummary actual, RunSummary expected) {
        assertThat(actual).as("summary of run %s", expected.runId()).isNotNull();
        assertThat(actual).usingRecursiveComparison().ignoringFields("usage", "steps").isEqualTo(expected);
        assertThat(actual.usage().toJson()).isEqualTo(expected.usage().toJson());
        assertThat(actual.steps().stream().map(TopologyFixture::describe).toList())
                .isEqualTo(expected.steps().stream().map(TopologyFixture::describe).toList());
    }

    private static String describe(StepSummary step) {
        return step.name() + "|" + step.status() + "|" + step.usage().toJson();
    }

    @Override
    public void close() {
        driver.close();
    }
}
