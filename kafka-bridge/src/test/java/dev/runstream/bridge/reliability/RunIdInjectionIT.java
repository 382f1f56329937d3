package dev.runstream.bridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.aggregate.RunAggregationTopology;
import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.subscribe.AllRunsSubscription;
import dev.runstream.bridge.subscribe.RunSubscriber;
import dev.runstream.bridge.subscribe.RunSubscription;
import dev.runstream.bridge.subscribe.RunSummaryReader;
import dev.runstream.bridge.subscribe.StartPosition;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.InvalidRunIdException;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.testing.Corpus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile run ids and prefixes through the Java API on the real broker: every entry point refuses them before any
 * topic is named, no request reads or writes another run's topic, and no aggregator reads another prefix's topics.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class RunIdInjectionIT {

    /** Topic-name and regex metacharacters, traversal, length, look-alikes, invisible and reserved ids. */
    static final List<String> HOSTILE_RUN_IDS = List.of("a.*", ".*", "run-1|run-2", "run[0-9]", "(run)", "^run$",
            "run+", "run?", "run{2}", "run\\Q", "../x", "a/../../b", "..", ".", "%2e%2e", "a:b", "a,b", "", " ",
            "run 1", "\t", "run\nINFO forged", "run\u0000", "r".repeat(129), "r".repeat(10_000), "r\u0430n",
            "\uFF52\uFF55\uFF4E", "ru\u200Dn", "run\u200B", "run\u202Etxt.exe", "run\uD83D\uDE00", "--anchor", "--");

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final String bootstrap;
    private final SchemaRegistryClient registry = new InMemorySchemaRegistry();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Admin admin;

    RunIdInjectionIT(EmbeddedKafkaBroker broker) {
        this.bootstrap = broker.bootstrapServers();
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        open.add(admin);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
    }

    private RunstreamConfig config(String prefix) {
        return new RunstreamConfig(Map.of(RunstreamConfig.PREFIX_CONFIG, prefix,
                RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, 2,
                RunstreamConfig.LIVE_ERROR_GRACE_MS_CONFIG, 200,
                // The pattern source, whose subscription must quote the prefix (raw records are written to topics).
                RunstreamConfig.SOURCE_MODE_CONFIG, RunstreamConfig.SOURCE_MODE_PATTERN,
                "kafka.streams.state.dir", dir.resolve(prefix).toString()));
    }

    private <T extends AutoCloseable> T opened(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private static String prefix(String kind) {
        return "rel-" + kind + "-" + PREFIXES.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    }

    private Set<String> topicsOf(String prefix) throws Exception {
        return admin.listTopics().names().get().stream().filter(name -> name.startsWith(prefix))
                .collect(Collectors.toSet());
    }

    @Test
    void shouldRefuseEveryHostileRunIdAtEveryEntryPointBeforeNamingATopic() throws Exception {
        String prefix = prefix("ids");
        RunstreamConfig config = config(prefix);
        RunAggregator aggregator = opened(new RunAggregator(config, registry).start());
        KafkaRunPublisher publisher = opened(new KafkaRunPublisher(config, registry));
        RunSubscriber subscriber = opened(new RunSubscriber(config, registry));
        RunSummaryReader summaries = new RunSummaryReader(config, registry);
        Chunk chunk = Corpus.chunks("agent-text", "chunks.ndjson").getFirst();
        Set<String> before = topicsOf(prefix);

        int refusals = 0;
        for (String runId : HOSTILE_RUN_IDS) {
            assertThat(publisher.accept(runId, chunk).toCompletableFuture()).as("accept %s", runId)
                    .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(InvalidRunIdException.class);
            assertThat(publisher.resume(runId).toCompletableFuture()).as("resume %s", runId)
                    .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(InvalidRunIdException.class);
            assertThatThrownBy(() -> subscriber.subscribe(runId, StartPosition.BEGINNING)).as("subscribe %s", runId)
                    .isInstanceOf(InvalidRunIdException.class);
            assertThatThrownBy(() -> subscriber.replay(runId, true)).as("replay %s", runId)
                    .isInstanceOf(InvalidRunIdException.class);
            assertThatThrownBy(() -> aggregator.summary(runId)).as("aggregator summary %s", runId)
                    .isInstanceOf(InvalidRunIdException.class);
            assertThatThrownBy(() -> aggregator.ownerOf(runId)).as("aggregator owner %s", runId)
                    .isInstanceOf(InvalidRunIdException.class);
            assertThatThrownBy(() -> summaries.summary(runId)).as("summary reader %s", runId)
                    .isInstanceOf(InvalidRunIdException.class);
            refusals += 7;
        }
        publisher.flush();
        assertThat(topicsOf(prefix)).as("topics after %d refusals", refusals).isEqualTo(before);
        System.out.printf("RunIdInjectionIT: %d hostile run ids x 7 entry points, %d refusals, no topic named%n",
                HOSTILE_RUN_IDS.size(), refusals);
    }

    @Test
    void shouldNeverWriteOrReadAnotherRunsChunksThroughARunsTopic() throws Exception {
        String prefix = prefix("cross");
        RunstreamConfig config = config(prefix);
        KafkaRunPublisher publisher = opened(new KafkaRunPublisher(config, registry));
        RunSubscriber subscriber = opened(new RunSubscriber(config, registry));
        List<Chunk> runA = Corpus.chunksAs("agent-text", "chunks.ndjson", "run-a");
        Chunk ofRunB = Corpus.chunksAs("agent-text", "chunks.ndjson", "run-b").get(1);

        assertThat(publisher.accept("run-a", ofRunB).toCompletableFuture()).failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(Exception.class).withCauseInstanceOf(IllegalArgumentException.class)
                .withMessageContaining("run-b");
        List<StoredChunk> received = new CopyOnWriteArrayList<>();
        AllRunsSubscription all = opened(subscriber.subscribeAll(prefix + "-workers", received::add));
        List<CompletableFuture<Long>> stages = new ArrayList<>();
        runA.subList(0, 4).forEach(c -> stages.add(publisher.accept("run-a", c).toCompletableFuture()));
        stages.forEach(CompletableFuture::join);
        // What a writer with raw access could put into run-a's topic: run-b's chunk keyed run-a, and keyed run-b.
        ConfluentAvroSerde<ChunkRecord> serde = new ConfluentAvroSerde<>(ChunkRecord.class,
                ChunkRecord.getClassSchema(), registry);
        byte[] foreign = serde.encode(ChunkRecordMapper.toRecord(new StoredChunk("run-b", 4, Instant.EPOCH, ofRunB)));
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String key : List.of("run-a", "run-b")) {
                Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
                RunstreamHeaders.put(headers, RunstreamHeaders.SEQUENCE, "4");
                raw.send(new ProducerRecord<>(config.topics().runTopic("run-a"), null, null, key, foreign,
                        headers)).get();
            }
        }
        stages.clear();
        runA.subList(4, runA.size()).forEach(c -> stages.add(publisher.accept("run-a", c).toCompletableFuture()));
        stages.forEach(CompletableFuture::join);

        assertThat(subscriber.replay("run-a", true)).extracting(StoredChunk::runId).containsOnly("run-a");
        try (RunSubscription live = subscriber.subscribe("run-a", StartPosition.BEGINNING)) {
            live.stream().status().get(30, TimeUnit.SECONDS);
            assertThat(live.stream().chunks().map(Chunk::runId).toList()).allMatch(id -> id.orElseThrow()
                    .equals("run-a"));
        }
        long last = runA.size() - 1;
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(received)
                .anyMatch(c -> c.runId().equals("run-a") && c.sequence() == last));
        assertThat(received).extracting(StoredChunk::runId).containsOnly("run-a");
        assertThat(topicsOf(prefix)).doesNotContain(config.topics().runTopic("run-b"));
        all.close();
    }

    @Test
    void shouldNotLetAnAggregatorReadAnotherPrefixsTopics() throws Exception {
        String base = prefix("iso");
        // '.' is a regex wildcard: unquoted, "<base>..run." would match "<base>0.run.<id>".
        RunstreamConfig dotted = config(base + ".");
        RunstreamConfig neighbour = config(base + "0");
        RunAggregator aggregator = opened(new RunAggregator(dotted, registry).start());
        try (KafkaRunPublisher own = new KafkaRunPublisher(dotted, registry);
             KafkaRunPublisher other = new KafkaRunPublisher(neighbour, registry)) {
            List<CompletableFuture<Long>> stages = new ArrayList<>();
            Corpus.chunksAs("agent-text", "chunks.ndjson", "mine")
                    .forEach(c -> stages.add(own.accept("mine", c).toCompletableFuture()));
            Corpus.chunksAs("agent-tool", "chunks.ndjson", "theirs")
                    .forEach(c -> stages.add(other.accept("theirs", c).toCompletableFuture()));
            stages.forEach(CompletableFuture::join);
        }
        // A prefix with 'run' as a later segment would nest its topics under another prefix's run topics: refused.
        assertThatThrownBy(() -> config(base + ".run.x")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'run' as a segment");
        assertThatThrownBy(() -> config(base + ".*")).isInstanceOf(ConfigException.class);
        // What such a prefix's run would be (a topic "<base>.run.x.run.y"), written raw: read, and dead-lettered.
        String nested = base + ".run.x.run.y";
        admin.createTopics(List.of(new NewTopic(nested, 1, (short) 1))).all().get();
        RunstreamConfig plain = config(base);
        RunAggregator plainAggregator = opened(new RunAggregator(plain, registry).start());
        try (KafkaRunPublisher own = new KafkaRunPublisher(plain, registry);
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                     new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(nested, "y", new byte[] {0, 0, 0, 0, 1})).get();
            Corpus.chunksAs("agent-text", "chunks.ndjson", "plain").forEach(c -> own.accept("plain", c));
            own.flush();
        }

        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            assertThat(aggregator.summary("mine")).isPresent();
            assertThat(plainAggregator.summary("plain")).isPresent();
        });
        StoredRuns stored = new StoredRuns(bootstrap, registry);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(stored.read(plain.topics().deadLetters()))
                .extracting(record -> RunstreamHeaders.get(record.headers(), RunstreamHeaders.ORIGIN))
                .containsExactly(nested + "-0@0"));
        assertThat(aggregator.summary("theirs")).as("a neighbour prefix's run").isEmpty();
        assertThat(aggregator.summaries(100)).extracting(summary -> summary.runId()).containsExactly("mine");
        assertThat(stored.read(dotted.topics().deadLetters())).as("nothing of the neighbour read, even refused")
                .isEmpty();
        assertThat(RunAggregationTopology.anchorTopic(dotted.topics())).startsWith(base + "..run.");
    }
}
