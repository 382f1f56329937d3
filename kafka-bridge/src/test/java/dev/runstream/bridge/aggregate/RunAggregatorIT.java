package dev.runstream.bridge.aggregate;

import static dev.runstream.bridge.aggregate.TopologyFixture.assertSameSummary;
import static dev.runstream.bridge.aggregate.TopologyFixture.corpus;
import static dev.runstream.bridge.aggregate.TopologyFixture.expectedSummary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.testing.Corpus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The aggregator on the real in-JVM KRaft broker, reading what a publisher wrote to per-run topics. */
@ExtendWith(EmbeddedKafkaExtension.class)
class RunAggregatorIT {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final String bootstrap;
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final ConfluentAvroSerde<dev.runstream.avro.ChunkRecord> chunkSerde =
            new ConfluentAvroSerde<>(dev.runstream.avro.ChunkRecord.class,
                    dev.runstream.avro.ChunkRecord.getClassSchema(), registry);
    private final List<RunAggregator> aggregators = new ArrayList<>();
    private final Admin admin;
    private final KafkaProducer<String, byte[]> producer;

    @TempDir
    Path stateRoot;

    RunAggregatorIT(EmbeddedKafkaBroker broker) {
        this.bootstrap = broker.bootstrapServers();
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "linger.ms", 0),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void close() {
        aggregators.forEach(aggregator -> aggregator.close(Duration.ofSeconds(10)));
        producer.close();
        admin.close();
    }

    @Test
    void shouldSummariseRunTopicsWrittenBeforeAndAfterStart() throws Exception {
        RunstreamConfig config = config(prefix(), 4, Map.of());
        RunTopics topics = config.topics();
        Map<String, List<StoredChunk>> before = runs("before", "agent-tool", "workflow", "agent-error");
        before.forEach((runId, chunks) -> publish(topics, runId, chunks));

        long started = System.nanoTime();
        RunAggregator aggregator = start(config, "a");
        String firstRun = before.keySet().iterator().next();
        await().atMost(PATIENCE).ignoreExceptions()
                .untilAsserted(() -> assertSameSummary(aggregator.summary(firstRun).orElseThrow(),
                        expectedSummary(firstRun, before.get(firstRun))));
        long firstSummaryMs = (System.nanoTime() - started) / 1_000_000;
        for (Map.Entry<String, List<StoredChunk>> run : before.entrySet()) {
            await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> assertSameSummary(
                    aggregator.summary(run.getKey()).orElseThrow(), expectedSummary(run.getKey(), run.getValue())));
        }

        List<StoredChunk> late = corpus("agent-reasoning", "chunks.ndjson", "late-run", 0);
        long written = System.nanoTime();
        publish(topics, "late-run", late);
        await().atMost(PATIENCE).ignoreExceptions().pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertSameSummary(aggregator.summary("late-run").orElseThrow(), expectedSummary("late-run", late)));
        long pickupMs = (System.nanoTime() - written) / 1_000_000;
        System.out.printf("RunAggregatorIT: first summary %d ms after start(); new run topic summarised %d ms after "
                + "its chunks were written%n", firstSummaryMs, pickupMs);

        assertThat(aggregator.summaries(100)).extracting(RunSummary::runId)
                .containsExactlyInAnyOrder(firstRun, "before-2", "before-3", "late-run");
        assertThat(aggregator.summaries(1)).hasSize(1);
        assertThat(aggregator.ownerOf("late-run")).as("no application.server").isEmpty();
        assertTopics(topics);

        assertThat(aggregator.close(Duration.ofSeconds(10))).isTrue();
        assertThat(aggregator.state()).isEqualTo(RunAggregator.State.STOPPED);
        assertThatThrownBy(() -> aggregator.summary("late-run")).isInstanceOf(AggregatorUnavailableException.class);
    }

    @Test
    void shouldShareTheAggregationBetweenTwoInstancesAndAgreeWithOne() throws Exception {
        String prefix = prefix();
        RunstreamConfig first = config(prefix, 4, Map.of("kafka.streams.application.server", "localhost:7001"));
        RunstreamConfig second = config(prefix, 4, Map.of("kafka.streams.application.server", "localhost:7002"));
        RunAggregator a = start(first, "a");
        RunAggregator b = start(second, "b");
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(a.streamsState()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(b.streamsState()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(chunkPartitionsByMember(first)).hasSize(2).allSatisfy(owned -> assertThat(owned).isNotEmpty());
        });

        Map<String, List<StoredChunk>> runs = runs("shared", Corpus.SCENARIOS.toArray(String[]::new));
        runs.forEach((runId, chunks) -> publish(first.topics(), runId, chunks));

        for (Map.Entry<String, List<StoredChunk>> run : runs.entrySet()) {
            String runId = run.getKey();
            await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
                Optional<RunSummary> held = a.summary(runId).or(() -> b.summary(runId));
                assertSameSummary(held.orElseThrow(), expectedSummary(runId, run.getValue()));
                assertThat(a.summary(runId).isPresent()).isNotEqualTo(b.summary(runId).isPresent());
                HostInfo owner = a.summary(runId).isPresent() ? new HostInfo("localhost", 7001)
                        : new HostInfo("localhost", 7002);
                assertThat(a.ownerOf(runId)).contains(owner);
                assertThat(b.ownerOf(runId)).contains(owner);
            });
        }
        Set<String> heldByA = a.summaries(100).stream().map(RunSummary::runId).collect(Collectors.toSet());
        Set<String> heldByB = b.summaries(100).stream().map(RunSummary::runId).collect(Collectors.toSet());
        assertThat(heldByA).isNotEmpty().doesNotContainAnyElementsOf(heldByB);
        assertThat(heldByB).isNotEmpty();
        assertThat(union(heldByA, heldByB)).isEqualTo(runs.keySet());
    }

    private RunstreamConfig config(String prefix, int partitions, Map<String, String> extra) {
        Map<String, Object> settings = new HashMap<>(Map.of(
                RunstreamConfig.PREFIX_CONFIG, prefix,
                RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, partitions,
                // Chunks are written straight into run topics here, by a producer of the test's own.
                RunstreamConfig.SOURCE_MODE_CONFIG, RunstreamConfig.SOURCE_MODE_PATTERN));
        settings.putAll(extra);
        return new RunstreamConfig(settings);
    }

    private RunAggregator start(RunstreamConfig config, String instance) {
        Map<String, Object> settings = new HashMap<>(config.originals());
        settings.put("kafka.streams.state.dir", stateRoot.resolve(instance).toString());
        RunAggregator aggregator = new RunAggregator(new RunstreamConfig(settings), registry);
        aggregators.add(aggregator);
        assertThat(aggregator.state()).isEqualTo(RunAggregator.State.CREATED);
        aggregator.start();
        assertThat(aggregator.state()).isEqualTo(RunAggregator.State.RUNNING);
        return aggregator;
    }

    private static String prefix() {
        return "it-agg-" + PREFIXES.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    }

    private static Map<String, List<StoredChunk>> runs(String prefix, String... scenarios) {
        Map<String, List<StoredChunk>> runs = new LinkedHashMap<>();
        for (int i = 0; i < scenarios.length; i++) {
            String runId = prefix + "-" + (i + 1);
            runs.put(runId, corpus(scenarios[i], "chunks.ndjson", runId, 0));
        }
        return runs;
    }

    /** As the publisher writes: the run's own topic, key run id, framed ChunkRecord, the three headers. */
    private void publish(RunTopics topics, String runId, List<StoredChunk> chunks) {
        String topic = topics.runTopic(runId);
        try {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            for (StoredChunk chunk : chunks) {
                byte[] value = chunkSerde.encode(ChunkRecordMapper.toRecord(chunk));
                producer.send(new ProducerRecord<>(topic, null, null, runId, value,
                        TopologyFixture.publisherHeaders(chunk))).get();
            }
        } catch (Exception e) {
            throw new AssertionError("could not publish run " + runId, e);
        }
    }

    private Collection<Set<Integer>> chunkPartitionsByMember(RunstreamConfig config) throws Exception {
        String group = config.applicationId();
        Collection<MemberDescription> members = admin.describeConsumerGroups(List.of(group)).all().get()
                .get(group).members();
        List<Set<Integer>> owned = new ArrayList<>();
        for (MemberDescription member : members) {
            owned.add(member.assignment().topicPartitions().stream()
                    .filter(tp -> tp.topic().equals(config.topics().chunks()))
                    .map(TopicPartition::partition).collect(Collectors.toSet()));
        }
        return owned;
    }

    private void assertTopics(RunTopics topics) throws Exception {
        var described = admin.describeTopics(List.of(topics.chunks(), topics.runSummaries(), topics.deadLetters(),
                RunAggregationTopology.anchorTopic(topics))).allTopicNames().get();
        assertThat(described.get(topics.chunks()).partitions()).hasSize(4);
        assertThat(described.get(topics.runSummaries()).partitions()).hasSize(4);
        assertThat(described.get(topics.deadLetters()).partitions()).hasSize(1);
        ConfigResource summaries = new ConfigResource(ConfigResource.Type.TOPIC, topics.runSummaries());
        ConfigEntry policy = admin.describeConfigs(List.of(summaries)).all().get().get(summaries)
                .get("cleanup.policy");
        assertThat(policy.value()).isEqualTo("compact");
        RunstreamConfig again = config(topics.prefix(), 4, Map.of());
        assertThat(RunAggregationTopology.createTopics(admin, again)).as("idempotent").isEmpty();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
