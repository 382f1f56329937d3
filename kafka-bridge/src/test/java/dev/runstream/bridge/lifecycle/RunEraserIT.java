package dev.runstream.bridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runstream.bridge.aggregate.AggregatorUnavailableException;
import dev.runstream.bridge.aggregate.RunAggregationTopology;
import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.broker.RunLayouts;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.subscribe.RunSubscriber;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Erasing a run on the real broker, in both source modes: its summary, persisted chunks and topic's records go; the
 * other run stays as it was.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class RunEraserIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String ERASED = "run-erased";
    private static final String KEPT = "run-kept";

    @TempDir
    Path dir;

    /** {@code mode}: a source mode, or {@value RunLayouts#SHARED} for the shared layout (whose source is ingest). */
    private RunstreamConfig config(EmbeddedKafkaBroker broker, String prefix, String mode) throws Exception {
        boolean shared = mode.equals(RunLayouts.SHARED);
        return new RunstreamConfig(Map.of(
                RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                RunstreamConfig.PREFIX_CONFIG, prefix,
                RunstreamConfig.SOURCE_MODE_CONFIG, shared ? RunstreamConfig.SOURCE_MODE_INGEST : mode,
                RunstreamConfig.RUN_LAYOUT_CONFIG, shared ? RunLayouts.SHARED : RunLayouts.TOPIC_PER_RUN,
                RunstreamConfig.RUNS_TOPIC_PARTITIONS_CONFIG, 3,
                RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, 3,
                RunstreamConfig.INGEST_TOPIC_PARTITIONS_CONFIG, 3,
                "kafka.streams.state.dir", Files.createTempDirectory(dir, "streams").toString()));
    }

    @ParameterizedTest(name = "source.mode={0}")
    @ValueSource(strings = {RunstreamConfig.SOURCE_MODE_PATTERN, RunstreamConfig.SOURCE_MODE_INGEST,
            RunLayouts.SHARED})
    void shouldEraseOneRunAndLeaveTheOtherAsItWas(String mode, EmbeddedKafkaBroker broker) throws Exception {
        RunstreamConfig config = config(broker, "erase-" + mode, mode);
        RunTopics topics = config.topics();
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        List<Chunk> erased = Corpus.chunksAs("agent-tool", "chunks.ndjson", ERASED);
        try (RunAggregator aggregator = new RunAggregator(config, registry).start();
             KafkaRunPublisher publisher = new KafkaRunPublisher(config, registry);
             RunEraser eraser = new RunEraser(config, registry);
             Admin admin = Admin.create(config.clientProperties("admin"))) {
            publish(publisher, ERASED, erased);
            publish(publisher, KEPT, Corpus.chunksAs("agent-text", "chunks.ndjson", KEPT));
            awaitFinished(aggregator, ERASED, KEPT);
            RunSummary kept = aggregator.summary(KEPT).orElseThrow();
            RunSubscriber subscriber = new RunSubscriber(config, registry);
            List<StoredChunk> keptChunks = subscriber.replay(KEPT, false);

            ErasedRun result = eraser.erase(ERASED, PATIENCE);

            assertThat(result).isEqualTo(new ErasedRun(ERASED, true,
                    mode.equals(RunLayouts.SHARED) ? ErasedRun.SHARED
                            : mode.equals(RunstreamConfig.SOURCE_MODE_INGEST) ? ErasedRun.DELETED : ErasedRun.TRUNCATED,
                    erased.size(), true));
            assertThat(aggregator.summary(ERASED)).isEmpty();
            assertThat(subscriber.replay(ERASED, false)).isEmpty();
            assertThat(subscriber.replay(ERASED, true)).isEmpty();
            LatestValues chunks = LatestValues.read(config, topics.chunks());
            assertThat(chunks.keysOf(ERASED)).filteredOn(chunks::hadValue).as("the run's persisted chunks")
                    .containsExactlyInAnyOrderElementsOf(persistedKeys(ERASED, erased));
            assertThat(chunks.keysOf(ERASED)).as("tombstoned, and the marker has no value")
                    .allSatisfy(key -> assertThat(chunks.latest(key)).isNull());
            LatestValues summaries = LatestValues.read(config, topics.runSummaries());
            assertThat(summaries.hadValue(ERASED)).isTrue();
            assertThat(summaries.latest(ERASED)).isNull();
            assertRunTopicEmptyOrGone(admin, config, mode);

            assertThat(aggregator.summary(KEPT)).contains(kept);
            assertThat(subscriber.replay(KEPT, false)).isEqualTo(keptChunks).isNotEmpty();
            assertThat(chunks.keysOf(KEPT)).isNotEmpty().allSatisfy(key -> assertThat(chunks.latest(key)).isNotNull());
            assertThat(summaries.latest(KEPT)).isNotNull();

            assertThat(eraser.erase(ERASED, PATIENCE)).as("erasing again finds nothing")
                    .isEqualTo(new ErasedRun(ERASED, false, ErasedRun.ABSENT, 0, false));
            publish(publisher, "run-after", Corpus.chunksAs("agent-text", "chunks.ndjson", "run-after"));
            awaitFinished(aggregator, "run-after");
        }
    }

    @Test
    void shouldEraseARunWhoseTopicWasAlreadyDeletedFromItsSummaryAndChangelog(EmbeddedKafkaBroker broker)
            throws Exception {
        RunstreamConfig config = config(broker, "erase-reaped", RunstreamConfig.SOURCE_MODE_INGEST);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        List<Chunk> chunks = Corpus.chunksAs("workflow", "chunks.ndjson", ERASED);
        try (RunAggregator aggregator = new RunAggregator(config, registry).start();
             KafkaRunPublisher publisher = new KafkaRunPublisher(config, registry);
             RunEraser eraser = new RunEraser(config, registry);
             Admin admin = Admin.create(config.clientProperties("admin"))) {
            publish(publisher, ERASED, chunks);
            awaitFinished(aggregator, ERASED);
            admin.deleteTopics(List.of(config.topics().runTopic(ERASED))).all().get();
            await().atMost(PATIENCE).until(() -> !admin.listTopics().names().get()
                    .contains(config.topics().runTopic(ERASED)));
            RunSubscriber subscriber = new RunSubscriber(config, registry);
            assertThat(subscriber.replay(ERASED, false)).as("from the changelog").isNotEmpty();

            ErasedRun result = eraser.erase(ERASED, PATIENCE);

            assertThat(result).isEqualTo(new ErasedRun(ERASED, true, ErasedRun.ABSENT, chunks.size(), true));
            assertThat(subscriber.replay(ERASED, false)).isEmpty();
            assertThat(aggregator.summary(ERASED)).isEmpty();
        }
    }

    @Test
    void shouldWriteNothingForARunItHasNeverSeen(EmbeddedKafkaBroker broker) throws Exception {
        RunstreamConfig config = config(broker, "erase-unknown", RunstreamConfig.SOURCE_MODE_PATTERN);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        try (RunAggregator aggregator = new RunAggregator(config, registry).start();
             RunEraser eraser = new RunEraser(config, registry);
             Admin admin = Admin.create(config.clientProperties("admin"))) {
            assertThat(aggregator.state()).isEqualTo(RunAggregator.State.RUNNING);
            Map<String, Long> before = endOffsets(config, admin);

            assertThat(eraser.erase("run-never", PATIENCE)).isEqualTo(ErasedRun.unknown("run-never"));

            assertThat(admin.listTopics().names().get()).doesNotContain(config.topics().runTopic("run-never"));
            assertThat(endOffsets(config, admin)).isEqualTo(before);
        }
    }

    @Test
    void shouldTimeOutAndKeepTheRunTopicWhenNoAggregatorProcessesTheMarker(EmbeddedKafkaBroker broker)
            throws Exception {
        RunstreamConfig config = config(broker, "erase-idle", RunstreamConfig.SOURCE_MODE_PATTERN);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        try (Admin admin = Admin.create(config.clientProperties("admin"));
             KafkaRunPublisher publisher = new KafkaRunPublisher(config, registry);
             RunEraser eraser = new RunEraser(config, registry)) {
            RunAggregationTopology.createTopics(admin, config);
            List<Chunk> chunks = Corpus.chunksAs("agent-text", "chunks.ndjson", ERASED);
            publish(publisher, ERASED, chunks);

            assertThatThrownBy(() -> eraser.erase(ERASED, Duration.ofSeconds(3)))
                    .isInstanceOf(EraseTimeoutException.class)
                    .hasMessageContaining(ERASED).hasMessageContaining(config.applicationId());

            assertThat(new RunSubscriber(config, registry).replay(ERASED, true)).as("the run topic is kept")
                    .hasSize(chunks.size());
        }
    }

    /** The keys of a run's non-transient chunks, numbered as the publisher numbers them. */
    private static List<String> persistedKeys(String runId, List<Chunk> chunks) {
        return java.util.stream.IntStream.range(0, chunks.size()).filter(i -> !chunks.get(i).isTransient())
                .mapToObj(i -> runId + "/" + i).toList();
    }

    private static void publish(KafkaRunPublisher publisher, String runId, List<Chunk> chunks) {
        chunks.forEach(chunk -> publisher.accept(runId, chunk).toCompletableFuture().join());
    }

    private static void awaitFinished(RunAggregator aggregator, String... runIds) {
        await().atMost(PATIENCE).ignoreException(AggregatorUnavailableException.class).until(() -> {
            for (String runId : runIds) {
                if (aggregator.summary(runId).filter(s -> s.status() == RunStatus.SUCCESS).isEmpty()) {
                    return false;
                }
            }
            return true;
        });
    }

    private static void assertRunTopicEmptyOrGone(Admin admin, RunstreamConfig config, String mode) throws Exception {
        String topic = config.topics().runTopic(ERASED);
        if (mode.equals(RunLayouts.SHARED)) {
            assertThat(admin.listTopics().names().get()).as("the shared layout makes no run topic")
                    .doesNotContain(topic).contains(config.topics().runs());
            return;
        }
        if (mode.equals(RunstreamConfig.SOURCE_MODE_INGEST)) {
            await().atMost(PATIENCE).until(() -> !admin.listTopics().names().get().contains(topic));
            return;
        }
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, byte[]> consumer = consumer(config)) {
            long start = consumer.beginningOffsets(List.of(partition)).get(partition);
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            assertThat(end).as("the topic had the run's chunks").isPositive();
            assertThat(start).as("every record deleted").isEqualTo(end);
        }
    }

    /** The end offset of every partition of the shared topics, keyed by topic-partition. */
    private static Map<String, Long> endOffsets(RunstreamConfig config, Admin admin) throws Exception {
        RunTopics topics = config.topics();
        try (KafkaConsumer<String, byte[]> consumer = consumer(config)) {
            List<TopicPartition> partitions = List.of(topics.chunks(), topics.runSummaries()).stream()
                    .flatMap(topic -> consumer.partitionsFor(topic).stream())
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            return consumer.endOffsets(partitions).entrySet().stream()
                    .collect(Collectors.toMap(entry -> entry.getKey().toString(), Map.Entry::getValue));
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(RunstreamConfig config) {
        return new KafkaConsumer<>(config.readCommittedConsumerProperties(), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    /** Every committed record of a topic, as compaction would leave it: the latest value of each key. */
    private record LatestValues(Map<String, byte[]> latest, Set<String> everSet) {

        static LatestValues read(RunstreamConfig config, String topic) {
            Map<String, byte[]> latest = new HashMap<>();
            Set<String> everSet = new java.util.HashSet<>();
            try (KafkaConsumer<String, byte[]> consumer = consumer(config)) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(info -> new TopicPartition(topic, info.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                await().atMost(PATIENCE).until(() -> {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        latest.put(record.key(), record.value());
                        if (record.value() != null) {
                            everSet.add(record.key());
                        }
                    }
                    return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                });
            }
            return new LatestValues(latest, everSet);
        }

        /** The keys of a run's records: the run id itself and {@code <runId>/<sequence>}. */
        List<String> keysOf(String runId) {
            return latest.keySet().stream().filter(key -> key.equals(runId) || key.startsWith(runId + "/")).toList();
        }

        byte[] latest(String key) {
            return latest.get(key);
        }

        boolean hadValue(String key) {
            return everSet.contains(key);
        }
    }
}
