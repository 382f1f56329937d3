package dev.runstream.bridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.aggregate.RunAggregationTopology;
import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.SchemaRegistries;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.serde.ConfluentWireFormat;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records no publisher writes, put straight into a run topic with a raw producer, on the real broker through the real
 * {@link RunAggregator} (the registry kept in Kafka): each must land in {@code <prefix>.dead-letters} once, with its
 * key, value and headers and the reason in {@code runstream.error}, while the aggregator goes on: the run's valid
 * chunks written after them are summarised as if the poison had never been there.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PoisonRecordIT {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final String CASE = "poison.case";
    private static final String RUN = "poisoned";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** One poison record: where it goes, what it holds, and the words its dead letter's reason must contain. */
    private record Poison(String name, String topic, String key, byte[] value, boolean publisherHeaders,
                          String stage, String reason) {
    }

    @TempDir
    Path dir;

    private final String bootstrap;
    private final List<AutoCloseable> open = new ArrayList<>();

    PoisonRecordIT(EmbeddedKafkaBroker broker) {
        this.bootstrap = broker.bootstrapServers();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
    }

    @Test
    void shouldDeadLetterEveryPoisonRecordOnceAndGoOnSummarising() throws Exception {
        String prefix = "rel-poison-" + PREFIXES.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        RunstreamConfig config = new RunstreamConfig(Map.of(RunstreamConfig.PREFIX_CONFIG, prefix,
                RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, 2,
                // Poison is written straight into run topics, which only the pattern source reads.
                RunstreamConfig.SOURCE_MODE_CONFIG, RunstreamConfig.SOURCE_MODE_PATTERN,
                "kafka.streams.state.dir", dir.toString()));
        RunTopics topics = config.topics();
        SchemaRegistryClient registry = SchemaRegistries.fromConfig(config);
        open.add(registry);
        RunAggregator aggregator = new RunAggregator(config, registry).start();
        open.add(aggregator);
        Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        open.add(admin);
        admin.createTopics(List.of(new NewTopic(topics.runTopic(RUN), 1, (short) 1))).all().get();
        KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer());
        open.add(raw);

        List<Poison> poisons = poisons(topics, registry);
        for (Poison poison : poisons) {
            Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
            RunstreamHeaders.put(headers, CASE, poison.name());
            if (poison.publisherHeaders()) {
                RunstreamHeaders.put(headers, RunstreamHeaders.TYPE, "text-delta");
                RunstreamHeaders.put(headers, RunstreamHeaders.TRANSIENT, "false");
            }
            raw.send(new ProducerRecord<>(poison.topic(), null, null, poison.key(), poison.value(), headers)).get();
        }
        List<Chunk> valid = Corpus.chunksAs("agent-tool", "chunks.ndjson", RUN);
        List<Chunk> clean = Corpus.chunksAs("workflow", "chunks.ndjson", "clean");
        try (KafkaRunPublisher publisher = new KafkaRunPublisher(config, registry)) {
            List<CompletableFuture<Long>> stages = new ArrayList<>();
            valid.forEach(chunk -> stages.add(publisher.accept(RUN, chunk).toCompletableFuture()));
            clean.forEach(chunk -> stages.add(publisher.accept("clean", chunk).toCompletableFuture()));
            stages.forEach(CompletableFuture::join);
        }

        StoredRuns stored = new StoredRuns(bootstrap, registry);
        List<StoredChunk> runChunks = stored.read(topics.runTopic(RUN)).stream()
                .filter(record -> RunstreamHeaders.get(record.headers(), CASE) == null).map(stored::decode).toList();
        assertThat(runChunks).hasSameSizeAs(valid);
        List<StoredChunk> cleanChunks = stored.assertStoredExactlyOnce(topics.runTopic("clean"), "clean", clean);
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            StoredRuns.assertSameSummary(aggregator.summary(RUN).orElseThrow(), StoredRuns.fold(RUN, runChunks));
            StoredRuns.assertSameSummary(aggregator.summary("clean").orElseThrow(),
                    StoredRuns.fold("clean", cleanChunks));
        });

        Map<String, List<ConsumerRecord<String, byte[]>>> dead = new HashMap<>();
        await().atMost(PATIENCE).untilAsserted(() -> {
            dead.clear();
            stored.read(topics.deadLetters()).forEach(record -> dead.computeIfAbsent(
                    RunstreamHeaders.get(record.headers(), CASE), name -> new ArrayList<>()).add(record));
            assertThat(dead.keySet()).containsExactlyInAnyOrderElementsOf(poisons.stream().map(Poison::name).toList());
        });
        for (Poison poison : poisons) {
            List<ConsumerRecord<String, byte[]>> letters = dead.get(poison.name());
            assertThat(letters).as("dead letters of %s", poison.name()).hasSize(1);
            ConsumerRecord<String, byte[]> letter = letters.getFirst();
            // Refused at the chunks stage, a record carries its chunk key there: <runId>/<sequence>.
            String letterKey = letter.key() == null ? null
                    : dev.runstream.bridge.wire.ChunkKey.parse(letter.key())
                            .map(dev.runstream.bridge.wire.ChunkKey::runId).orElse(letter.key());
            assertThat(letterKey).as("key of %s", poison.name()).isEqualTo(poison.key());
            assertThat(letter.value()).as("value of %s", poison.name()).isEqualTo(poison.value());
            assertThat(RunstreamHeaders.get(letter.headers(), RunstreamHeaders.ERROR)).as("reason of %s", poison.name())
                    .containsIgnoringCase(poison.reason());
            assertThat(RunstreamHeaders.get(letter.headers(), RunstreamHeaders.ORIGIN)).as("origin of %s", poison.name())
                    .startsWith(poison.stage() + "-");
        }
        assertThat(aggregator.summary("victim")).as("a record keyed by another run summarises nothing").isEmpty();
        assertThat(aggregator.summary("other-run")).as("a chunk of another run summarises nothing").isEmpty();
        assertThat(aggregator.streamsState()).isEqualTo(KafkaStreams.State.RUNNING);
        System.out.printf("PoisonRecordIT: %d poison records, each dead-lettered once with its reason; the runs "
                + "around them summarised as without them%n", poisons.size());
    }

    private List<Poison> poisons(RunTopics topics, SchemaRegistryClient registry) throws Exception {
        String run = topics.runTopic(RUN);
        String chunks = topics.chunks();
        ConfluentAvroSerde<ChunkRecord> serde = new ConfluentAvroSerde<>(ChunkRecord.class,
                ChunkRecord.getClassSchema(), registry);
        byte[] garbage = "{\"type\":\"text-delta\"} is JSON, not Avro".getBytes(StandardCharsets.UTF_8);
        byte[] valid = chunk(serde, RUN, "text-delta", false);
        byte[] wrongMagic = valid.clone();
        wrongMagic[0] = 1;
        byte[] unknownId = ConfluentWireFormat.encode(Integer.MAX_VALUE - 7, Arrays.copyOfRange(valid, 5,
                valid.length));
        Schema notAChunk = SchemaBuilder.record("NotAChunk").namespace("poison").fields()
                .requiredInt("count").endRecord();
        int notAChunkId = registry.register("poison.NotAChunk", notAChunk);
        byte[] unresolvable = ConfluentWireFormat.encode(notAChunkId, new byte[] {42});
        int notAvroId = registerNonAvroSchema(topics);
        byte[] notAvro = ConfluentWireFormat.encode(notAvroId, Arrays.copyOfRange(valid, 5, valid.length));
        byte[] lengthBomb = ConfluentWireFormat.encode(serde.schemaId(), new byte[] {(byte) 0xFE, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, 0x0B});
        byte[] truncated = Arrays.copyOf(valid, valid.length / 2);
        byte[] trailing = Arrays.copyOf(valid, valid.length + 3);
        // A record without a sequence header is decoded at the source (its chunk key needs the sequence), so what
        // does not decode is refused there, headers or not; what decodes but is not right is refused by the
        // chunks' acceptor.
        return List.of(
                new Poison("garbage", run, RUN, garbage, false, run, "does not decode"),
                new Poison("garbage-with-headers", run, RUN, garbage, true, run, "does not decode"),
                new Poison("wrong-magic-byte", run, RUN, wrongMagic, false, run, "magic byte"),
                new Poison("wrong-magic-byte-with-headers", run, RUN, wrongMagic, true, run, "magic byte"),
                new Poison("frame-too-short", run, RUN, new byte[] {0, 0}, true, run, "too short"),
                new Poison("unknown-schema-id", run, RUN, unknownId, true, run, "not found"),
                new Poison("unknown-schema-id-no-headers", run, RUN, unknownId, false, run, "not found"),
                new Poison("schema-not-resolvable-to-ChunkRecord", run, RUN, unresolvable, true, run,
                        "does not decode as ChunkRecord"),
                new Poison("schema-not-avro", run, RUN, notAvro, true, run, "schema id " + notAvroId),
                new Poison("schema-not-avro-no-headers", run, RUN, notAvro, false, run, "schema id " + notAvroId),
                new Poison("string-length-bomb", run, RUN, lengthBomb, true, run, "does not decode"),
                new Poison("truncated-body", run, RUN, truncated, true, run, "does not decode"),
                new Poison("trailing-bytes", run, RUN, trailing, true, run, "trailing bytes"),
                new Poison("null-value", run, RUN, null, false, run, "no value"),
                new Poison("null-value-with-headers", run, RUN, null, true, run, "no value"),
                new Poison("key-of-another-run", run, "victim", valid, true, run, "written to the topic of run"),
                new Poison("no-key", run, null, valid, true, run, "key is missing"),
                new Poison("key-not-a-run-id", run, "../" + RUN, valid, true, run, "is not a run id"),
                new Poison("chunk-of-another-run", run, RUN, chunk(serde, "other-run", "text-delta", false), true,
                        chunks, "holds another run"),
                new Poison("transient-chunk-headed-persistent", run, RUN,
                        chunk(serde, RUN, "data-progress", true), true, chunks, "transient"),
                new Poison("written-to-the-anchor-topic", RunAggregationTopology.anchorTopic(topics),
                        RunAggregationTopology.ANCHOR_RUN_ID, valid, true,
                        RunAggregationTopology.anchorTopic(topics), "Runstream's own"));
    }

    /** A framed ChunkRecord of {@code runId} that no publisher wrote (its sequence is far past the run's). */
    private static byte[] chunk(ConfluentAvroSerde<ChunkRecord> serde, String runId, String type,
            boolean isTransient) {
        String json = type.startsWith("data-")
                ? "{\"type\":\"" + type + "\",\"data\":{\"pct\":5}" + (isTransient ? ",\"transient\":true" : "") + "}"
                : "{\"type\":\"" + type + "\",\"runId\":\"" + runId + "\",\"from\":\"AGENT\",\"payload\":"
                        + "{\"id\":\"1\",\"text\":\"poison\"}}";
        Chunk chunk = Chunk.of((com.fasterxml.jackson.databind.node.ObjectNode) Corpus.parse(json)).attributedTo(runId);
        return serde.encode(ChunkRecordMapper.toRecord(new StoredChunk(runId, 1_000, Instant.EPOCH, chunk)));
    }

    /**
     * Appends to the registry's own topic a registration whose schema is not Avro, as another tool (or a later
     * Runstream with JSON Schema support) could: the registry accepts the record, and its id resolves to text
     * that does not parse.
     */
    private int registerNonAvroSchema(RunTopics topics) throws Exception {
        int id = 900_001;
        String key = "{\"subject\":\"poison-json\",\"version\":1,\"writer\":\"poison\"}";
        String value = "{\"subject\":\"poison-json\",\"version\":1,\"id\":" + id
                + ",\"schema\":\"{\\\"type\\\":\\\"object\\\",\\\"properties\\\":{}}\"}";
        try (KafkaProducer<byte[], byte[]> bytes = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            bytes.send(new ProducerRecord<>(topics.schemas(), 0, key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8))).get();
        }
        return id;
    }
}
