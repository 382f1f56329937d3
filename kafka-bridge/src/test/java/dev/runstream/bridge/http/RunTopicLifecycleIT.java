package dev.runstream.bridge.http;

import static dev.runstream.bridge.http.HttpBridgeIT.assertSameChunks;
import static dev.runstream.bridge.http.HttpBridgeIT.assertSameJsonLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runstream.bridge.aggregate.AggregatorUnavailableException;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.config.SourceMode;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.SchemaRegistries;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.subscribe.RunSubscriber;
import dev.runstream.bridge.subscribe.StartPosition;
import dev.runstream.bridge.wire.ChunkKey;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.ChunkBodyFormat;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.json.Json;
import dev.runstream.core.testing.ChunkBodies;
import dev.runstream.core.testing.Corpus;
import dev.runstream.core.ui.UiMessageStreamConverter;
import dev.runstream.core.ui.UiStreamOptions;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run topic lifecycle with the default settings (ingest source, topics deleted after use): a run whose topic the
 * reaper deleted is read by every reader as before (Java replay and subscription, SSE in both formats, resumed with
 * Last-Event-ID), a suspended run's second leg and a late chunk after the reap go on numbering where the run left
 * off, and runs written meanwhile are aggregated as usual.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunTopicLifecycleIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final EmbeddedKafkaBroker broker;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private BridgeInstance instance;
    private Admin admin;
    private SchemaRegistryClient registry;

    @TempDir
    static Path stateDir;

    RunTopicLifecycleIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeAll
    void start() {
        instance = new BridgeInstance(broker, "lifecycle", stateDir.resolve("a"), Map.of(
                RunstreamConfig.RUN_TOPIC_DELETE_AFTER_MS_CONFIG, 1000L,
                RunstreamConfig.RUN_TOPIC_REAP_INTERVAL_MS_CONFIG, 200L));
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
        registry = SchemaRegistries.fromConfig(instance.config);
    }

    @AfterAll
    void stop() throws Exception {
        if (instance != null) {
            instance.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void shouldDefaultToTheIngestSourceWithRunTopicsDeletedAfterUse() {
        RunstreamConfig defaults = new RunstreamConfig(Map.of());
        assertThat(defaults.sourceMode()).isEqualTo(SourceMode.INGEST);
        assertThat(defaults.runTopicDeleteAfter()).hasValue(
                Duration.ofMillis(RunstreamConfig.DEFAULT_RUN_TOPIC_DELETE_AFTER_MS));
        RunstreamConfig pattern = new RunstreamConfig(Map.of(RunstreamConfig.SOURCE_MODE_CONFIG, "pattern"));
        assertThat(pattern.runTopicDeleteAfter()).as("the pattern source keeps run topics").isEmpty();
        assertThatThrownBy(() -> new RunstreamConfig(Map.of(RunstreamConfig.SOURCE_MODE_CONFIG, "pattern",
                RunstreamConfig.RUN_TOPIC_DELETE_AFTER_MS_CONFIG, 0L)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("source.mode=ingest");
    }

    @Test
    void shouldReadAFinishedRunWithEveryReaderAfterItsTopicIsDeleted() throws Exception {
        String runId = "reaped-" + System.nanoTime();
        List<Chunk> chunks = Corpus.chunksAs("agent-tool", "chunks.ndjson", runId);
        List<Chunk> persisted = chunks.stream().filter(chunk -> !chunk.isTransient()).toList();
        assertThat(persisted).as("the scenario has a transient chunk").hasSizeLessThan(chunks.size());
        assertThat(post(runId, chunks, null).statusCode()).isEqualTo(200);
        awaitReaped(runId, RunStatus.SUCCESS);

        try (RunSubscriber subscriber = new RunSubscriber(instance.config, registry)) {
            List<StoredChunk> replayed = subscriber.replay(runId, false);
            assertSameChunks(replayed.stream().map(chunk -> MastraChunkCodec.encode(chunk.chunk())).toList(),
                    persisted);
            assertThat(replayed).extracting(StoredChunk::sequence)
                    .containsExactlyElementsOf(HttpBridgeIT.sequencesOfPersisted(chunks));

            var stream = subscriber.subscribe(runId, StartPosition.BEGINNING).stream();
            assertThat(stream.text().toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .isEqualTo(Corpus.expected("agent-tool").get("text").asText());
        }

        SseEvents.Read mastra = sse(runId, "", null);
        assertSameChunks(mastra.data(), persisted);
        List<Long> ids = mastra.blocks().stream().filter(b -> b.id() != null).map(b -> Long.parseLong(b.id()))
                .toList();
        assertThat(ids).containsExactlyElementsOf(HttpBridgeIT.sequencesOfPersisted(chunks));

        long resumeAfter = ids.get(3);
        SseEvents.Read resumed = sse(runId, "", Long.toString(resumeAfter));
        assertSameChunks(resumed.data(), persisted.subList(4, persisted.size()));
        assertThat(sse(runId, "", Long.toString(ids.getLast())).data())
                .as("a reader resuming after the last event gets nothing and the stream ends").isEmpty();

        SseEvents.Read ui = sse(runId, "?format=ui", null);
        List<String> expectedUi = new ArrayList<>();
        UiMessageStreamConverter.convertAll(persisted, UiStreamOptions.defaults())
                .forEach(node -> expectedUi.add(Json.write(node)));
        expectedUi.add("[DONE]");
        assertSameJsonLines(ui.data(), expectedUi);
        String uiResumeId = ui.blocks().stream().filter(b -> b.id() != null).toList().get(5).id();
        SseEvents.Read uiResumed = sse(runId, "?format=ui", uiResumeId);
        assertSameJsonLines(uiResumed.data(), expectedUi.subList(6, expectedUi.size()));

        assertThat(admin.listTopics().names().get()).doesNotContain(instance.config.topics().runTopic(runId));

        HttpResponse<String> erased = http.send(HttpRequest.newBuilder(instance.uri("/v1/runs/" + runId))
                .timeout(PATIENCE).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        assertThat(Corpus.parse(erased.body()).get("runTopic").asText()).isEqualTo("absent");
        assertThat(http.send(HttpRequest.newBuilder(instance.uri("/v1/runs/" + runId)).timeout(PATIENCE).GET()
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        try (RunSubscriber subscriber = new RunSubscriber(instance.config, registry)) {
            assertThat(subscriber.replay(runId, false)).as("an erased run replays as nothing").isEmpty();
        }
    }

    @Test
    void shouldGoOnNumberingASuspendedRunsSecondLegAndALateChunkAfterItsTopicIsDeleted() throws Exception {
        String runId = "second-leg-" + System.nanoTime();
        List<Chunk> first = Corpus.chunksAs("agent-approval", "chunks.ndjson", runId);
        List<Chunk> second = Corpus.chunksAs("agent-approval", "resumed.ndjson", runId);
        assertThat(post(runId, first, null).statusCode()).isEqualTo(200);
        RunSummary suspended = awaitReaped(runId, RunStatus.SUSPENDED);
        assertThat(suspended.lastSequence()).isEqualTo(first.size() - 1);

        HttpResponse<String> reply = post(runId, second, (long) first.size());
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        assertThat(Corpus.parse(reply.body()).get("firstSequence").asLong()).isEqualTo(first.size());
        RunSummary done = awaitReaped(runId, null);
        List<Chunk> both = new ArrayList<>(first);
        both.addAll(second);
        RunSummary expected = RunSummary.empty(runId);
        for (int i = 0; i < both.size(); i++) {
            if (!both.get(i).isTransient()) {
                expected = RunFold.fold(expected, new StoredChunk(runId, i, java.time.Instant.now(),
                        both.get(i).attributedTo(runId)));
            }
        }
        assertThat(done.status()).isEqualTo(expected.status()).isNotEqualTo(RunStatus.SUSPENDED);
        assertThat(done.text()).isEqualTo(expected.text());
        assertThat(done.usage()).isEqualTo(expected.usage());
        assertThat(done.chunkCount()).isEqualTo(expected.chunkCount());
        assertThat(done.lastSequence()).isEqualTo(both.size() - 1);

        // A late chunk, written by a publisher that never saw the run: it goes on from the run's summary.
        try (KafkaRunPublisher late = new KafkaRunPublisher(instance.config, registry)) {
            Chunk lateChunk = Chunk.of((com.fasterxml.jackson.databind.node.ObjectNode) Corpus.parse(
                    "{\"type\":\"data-late\",\"data\":{\"note\":\"after the end\"}}"));
            long sequence = late.accept(runId, lateChunk).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(sequence).isEqualTo(first.size() + second.size());
        }
        assertThat(chunkKeys(runId)).as("no chunk key of the run is written twice").doesNotHaveDuplicates()
                .hasSize(first.size() + second.size() + 1
                        - (int) first.stream().filter(Chunk::isTransient).count()
                        - (int) second.stream().filter(Chunk::isTransient).count());
    }

    @Test
    void shouldKeepAggregatingOtherRunsWhileTopicsAreDeleted() throws Exception {
        List<String> runIds = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String runId = "churn-" + i + "-" + System.nanoTime();
            runIds.add(runId);
            byte[] body = ChunkBodies.render(Corpus.chunksAs("agent-text", "chunks.ndjson", runId),
                    ChunkBodyFormat.NDJSON);
            replies.add(http.sendAsync(HttpRequest.newBuilder(instance.uri("/v1/runs/" + runId + "/chunks"))
                    .timeout(PATIENCE).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
            Thread.sleep(50);
        }
        for (CompletableFuture<HttpResponse<String>> reply : replies) {
            assertThat(reply.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        for (String runId : runIds) {
            RunSummary summary = awaitReaped(runId, RunStatus.SUCCESS);
            assertThat(summary.text()).isEqualTo(Corpus.expected("agent-text").get("text").asText());
        }
        assertThat(instance.aggregator.streamsState().isRunningOrRebalancing()).isTrue();
        assertThat(instance.node().reaper().orElseThrow().deletedTopics()).isGreaterThanOrEqualTo(runIds.size());
    }

    @Test
    void shouldFinishAReapThatARestartInterruptedWithEveryRunIntact() throws Exception {
        Map<String, Object> settings = Map.of(
                RunstreamConfig.RUN_TOPIC_DELETE_AFTER_MS_CONFIG, 2000L,
                RunstreamConfig.RUN_TOPIC_REAP_INTERVAL_MS_CONFIG, 200L,
                RunstreamConfig.RUN_TOPIC_REAP_BATCH_SIZE_CONFIG, 1);
        Path state = stateDir.resolve("restarted");
        List<String> runIds = new ArrayList<>();
        List<Chunk> played = Corpus.chunksAs("agent-text", "chunks.ndjson", "template");
        long deletedBeforeRestart;
        List<String> leftForTheNextInstance;
        try (BridgeInstance first = new BridgeInstance(broker, "lifecycle-restart", state, settings)) {
            for (int i = 0; i < 30; i++) {
                String runId = "restart-" + i + "-" + System.nanoTime();
                runIds.add(runId);
                HttpResponse<String> reply = http.send(HttpRequest.newBuilder(first.uri("/v1/runs/" + runId
                        + "/chunks")).timeout(PATIENCE).header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(ChunkBodies.render(
                                Corpus.chunksAs("agent-text", "chunks.ndjson", runId), ChunkBodyFormat.NDJSON)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
            }
            var reaper = first.node().reaper().orElseThrow();
            // One topic per DeleteTopics request: the instance stops while its reaper is deleting them.
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).until(() -> reaper.deletedTopics() >= 3);
            first.close();
            deletedBeforeRestart = reaper.deletedTopics();
            Set<String> topicsNow = admin.listTopics().names().get();
            leftForTheNextInstance = runIds.stream()
                    .filter(runId -> topicsNow.contains(first.config.topics().runTopic(runId))).toList();
        }
        assertThat(leftForTheNextInstance).as("the restart came in the middle of the reap (%d deleted before it)",
                deletedBeforeRestart).isNotEmpty().hasSizeLessThan(runIds.size());

        try (BridgeInstance second = new BridgeInstance(broker, "lifecycle-restart", state, settings);
                RunSubscriber subscriber = new RunSubscriber(second.config, registry)) {
            Set<String> runTopics = new java.util.HashSet<>();
            runIds.forEach(runId -> runTopics.add(second.config.topics().runTopic(runId)));
            await().atMost(PATIENCE).until(() -> java.util.Collections.disjoint(admin.listTopics().names().get(),
                    runTopics));
            for (String runId : runIds) {
                List<Chunk> persisted = Corpus.chunksAs("agent-text", "chunks.ndjson", runId).stream()
                        .filter(chunk -> !chunk.isTransient()).toList();
                RunSummary summary = await().atMost(PATIENCE).ignoreException(AggregatorUnavailableException.class)
                        .until(() -> second.aggregator.summary(runId), java.util.Optional::isPresent).orElseThrow();
                assertThat(summary.status()).as(runId).isEqualTo(RunStatus.SUCCESS);
                assertThat(summary.text()).as(runId).isEqualTo(Corpus.expected("agent-text").get("text").asText());
                List<StoredChunk> replayed = subscriber.replay(runId, false);
                assertThat(replayed).as(runId).extracting(StoredChunk::sequence)
                        .containsExactlyElementsOf(HttpBridgeIT.sequencesOfPersisted(played));
                assertSameChunks(replayed.stream().map(chunk -> MastraChunkCodec.encode(chunk.chunk())).toList(),
                        persisted);
            }
            // A late chunk for a run reaped before the restart and one reaped after it: both number on.
            List<String> reapedBefore = runIds.stream().filter(id -> !leftForTheNextInstance.contains(id)).toList();
            for (String runId : List.of(reapedBefore.getFirst(), leftForTheNextInstance.getFirst())) {
                HttpResponse<String> late = http.send(HttpRequest.newBuilder(second.uri("/v1/runs/" + runId
                        + "/chunks")).timeout(PATIENCE).header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"type\":\"data-late\",\"runId\":\"" + runId + "\",\"data\":{}}\n"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(late.statusCode()).as(late.body()).isEqualTo(200);
                assertThat(Corpus.parse(late.body()).get("firstSequence").asLong()).as(runId)
                        .isEqualTo(played.size());
            }
        }
    }

    /**
     * Waits until the run's summary has {@code status} (any but running and suspended when null) and its topic is
     * gone; returns the summary.
     */
    private RunSummary awaitReaped(String runId, RunStatus status) {
        String topic = instance.config.topics().runTopic(runId);
        await().atMost(PATIENCE).ignoreException(AggregatorUnavailableException.class)
                .until(() -> instance.aggregator.summary(runId).filter(s -> status != null ? s.status() == status
                        : s.status() != RunStatus.RUNNING && s.status() != RunStatus.SUSPENDED).isPresent()
                        && !admin.listTopics().names().get().contains(topic));
        return instance.aggregator.summary(runId).orElseThrow();
    }

    private List<String> chunkKeys(String runId) {
        Map<String, Object> props = new HashMap<>(instance.config.readCommittedConsumerProperties());
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            int partitions = consumer.partitionsFor(instance.config.topics().chunks()).size();
            TopicPartition partition = new TopicPartition(instance.config.topics().chunks(),
                    ChunkKey.partitionOf(runId, partitions));
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null && ChunkKey.parse(record.key())
                            .filter(key -> key.runId().equals(runId)).isPresent()) {
                        keys.add(record.key());
                    }
                }
                return consumer.position(partition) >= end;
            });
        }
        return keys;
    }

    private HttpResponse<String> post(String runId, List<Chunk> chunks, Long firstSequence) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(instance.uri("/v1/runs/" + runId + "/chunks"))
                .timeout(PATIENCE).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ChunkBodies.render(chunks, ChunkBodyFormat.NDJSON)));
        if (firstSequence != null) {
            request.header("Runstream-First-Sequence", firstSequence.toString());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private SseEvents.Read sse(String runId, String query, String lastEventId) throws Exception {
        SseEvents.Read read = SseEvents.read(http, instance.uri("/v1/runs/" + runId + "/stream" + query),
                lastEventId, null, Integer.MAX_VALUE, false);
        assertThat(read.status()).isEqualTo(200);
        return read;
    }

}
