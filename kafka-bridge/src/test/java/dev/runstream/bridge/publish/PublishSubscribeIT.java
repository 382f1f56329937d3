package dev.runstream.bridge.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.broker.RunLayouts;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.subscribe.RunSubscriber;
import dev.runstream.bridge.subscribe.RunSubscription;
import dev.runstream.bridge.subscribe.StartPosition;
import dev.runstream.core.InvalidRunIdException;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.testing.Corpus;
import dev.runstream.core.testing.JsonEquality;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The publisher and the subscribers on a real in-JVM KRaft broker. */
@ExtendWith(EmbeddedKafkaExtension.class)
@ParameterizedClass(name = "[{0}]")
@ValueSource(strings = {RunLayouts.TOPIC_PER_RUN, RunLayouts.SHARED})
class PublishSubscribeIT {

    @Parameter
    String layout;

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final EmbeddedKafkaBroker broker;
    private final SchemaRegistryClient registry = new InMemorySchemaRegistry();
    private RunstreamConfig config;
    private KafkaRunPublisher publisher;
    private RunSubscriber subscriber;

    PublishSubscribeIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void start() {
        config = config("pattern");
        publisher = new KafkaRunPublisher(config, registry);
        subscriber = new RunSubscriber(config, registry);
    }

    /** A fresh prefix; in the shared layout the source mode is always ingest (its only one). */
    private RunstreamConfig config(String mode) {
        return new RunstreamConfig(Map.of(
                RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                RunstreamConfig.PREFIX_CONFIG, "pubsub" + PREFIXES.incrementAndGet(),
                RunstreamConfig.RUN_LAYOUT_CONFIG, layout,
                RunstreamConfig.SOURCE_MODE_CONFIG, RunLayouts.SHARED.equals(layout) ? "ingest" : mode,
                RunstreamConfig.LIVE_ERROR_GRACE_MS_CONFIG, 300));
    }

    @AfterEach
    void stop() {
        publisher.close();
        subscriber.close();
    }

    private List<Long> publish(KafkaRunPublisher into, String runId, List<Chunk> chunks) {
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        for (Chunk chunk : chunks) {
            acks.add(into.accept(runId, chunk).toCompletableFuture());
        }
        return acks.stream().map(CompletableFuture::join).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent-text", "agent-tool", "agent-error", "agent-reasoning", "agent-approval",
            "workflow", "workflow-agent", "workflow-suspend"})
    void shouldLetALiveSubscriberStartedBeforeTheRunSeeEveryChunkInOrder(String scenario) throws Exception {
        String runId = scenario + "-live";
        try (RunSubscription live = subscriber.subscribe(runId, StartPosition.LIVE)) {
            List<Chunk> chunks = Corpus.chunksAs(scenario, "chunks.ndjson", runId);
            assertThat(publish(publisher, runId, chunks)).containsExactlyElementsOf(
                    java.util.stream.LongStream.range(0, chunks.size()).boxed().toList());
            RunSummary summary = live.stream().summary().get(20, TimeUnit.SECONDS);
            List<Chunk> seen = live.stream().chunks().toList();
            assertThat(seen).hasSameSizeAs(chunks);
            for (int i = 0; i < chunks.size(); i++) {
                assertThat(JsonEquality.equal(seen.get(i).json(), chunks.get(i).json())).as("chunk %d", i).isTrue();
            }
            RunFold.Accumulator expected = RunFold.accumulator(runId);
            for (int i = 0; i < chunks.size(); i++) {
                expected.accept(new StoredChunk(runId, i, java.time.Instant.EPOCH, chunks.get(i)));
            }
            assertThat(summary.text()).isEqualTo(expected.summary().text());
            assertThat(summary.status()).isEqualTo(expected.summary().status());
            assertThat(summary.usage().toJson()).isEqualTo(expected.summary().usage().toJson());
        }
    }

    @Test
    void shouldReplayAFinishedRunWithoutItsTransientChunks() {
        String runId = "replayed";
        List<Chunk> chunks = Corpus.chunksAs("agent-tool", "chunks.ndjson", runId);
        publish(publisher, runId, chunks);
        List<StoredChunk> replayed = subscriber.replay(runId, false);
        List<Chunk> persisted = chunks.stream().filter(chunk -> !chunk.isTransient()).toList();
        assertThat(replayed).hasSize(persisted.size()).hasSize(chunks.size() - 1);
        for (int i = 0; i < persisted.size(); i++) {
            assertThat(JsonEquality.equal(replayed.get(i).chunk().json(), persisted.get(i).json())).isTrue();
        }
        assertThat(replayed).extracting(StoredChunk::sequence).doesNotContain(9L);
        assertThat(subscriber.replay(runId, true)).hasSize(chunks.size());
        assertThat(subscriber.replay("never-written", false)).isEmpty();
    }

    @Test
    void shouldGoOnNumberingAResumedLegFromAnotherPublisher() {
        String runId = "resumed";
        publish(publisher, runId, Corpus.chunksAs("agent-approval", "chunks.ndjson", runId));
        try (KafkaRunPublisher second = new KafkaRunPublisher(config, registry)) {
            List<Long> sequences = publish(second, runId, Corpus.chunksAs("agent-approval", "resumed.ndjson", runId));
            assertThat(sequences.getFirst()).isEqualTo(10L);
        }
        List<StoredChunk> all = subscriber.replay(runId, true);
        assertThat(all).extracting(StoredChunk::sequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 21).boxed().toList());
    }

    @Test
    void shouldStartASubscriptionFromASequenceNumber() throws Exception {
        String runId = "from-five";
        publish(publisher, runId, Corpus.chunksAs("agent-text", "chunks.ndjson", runId));
        try (RunSubscription from = subscriber.subscribe(runId, StartPosition.fromSequence(5))) {
            from.stream().summary().get(20, TimeUnit.SECONDS);
            assertThat(from.stream().chunks().toList()).extracting(Chunk::type)
                    .containsExactly("text-delta", "text-end", "step-finish", "finish");
        }
    }

    @Test
    void shouldEndAnErroredRunAfterTheGraceTime() throws Exception {
        String runId = "errored";
        try (RunSubscription live = subscriber.subscribe(runId, StartPosition.BEGINNING)) {
            publish(publisher, runId, List.of(Corpus.chunksAs("agent-text", "chunks.ndjson", runId).getFirst(),
                    Chunk.of((com.fasterxml.jackson.databind.node.ObjectNode) Corpus.parse(
                            "{\"type\":\"error\",\"runId\":\"errored\",\"from\":\"AGENT\",\"payload\":{\"error\":"
                                    + "{\"message\":\"loop failed\"}}}"))));
            assertThat(live.stream().status().get(20, TimeUnit.SECONDS)).isEqualTo(RunStatus.FAILED);
        }
    }

    @Test
    void shouldRefuseAnInvalidRunIdWithoutTouchingKafka() {
        assertThatThrownBy(() -> publisher.accept("../x", Corpus.chunks("agent-text", "chunks.ndjson").getFirst())
                .toCompletableFuture().join()).hasCauseInstanceOf(InvalidRunIdException.class);
        assertThatThrownBy(() -> subscriber.subscribe("a*b", StartPosition.LIVE))
                .isInstanceOf(InvalidRunIdException.class);
    }

    @Test
    void shouldWriteManyConcurrentRunsFromOnePublisher() {
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        List<Chunk> chunks = Corpus.chunks("agent-text", "chunks.ndjson");
        for (int i = 0; i < chunks.size(); i++) {
            for (int run = 0; run < 50; run++) {
                acks.add(publisher.accept("many-" + run, Corpus.chunksAs("agent-text", "chunks.ndjson",
                        "many-" + run).get(i)).toCompletableFuture());
            }
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        for (int run = 0; run < 50; run += 7) {
            assertThat(subscriber.replay("many-" + run, false)).extracting(StoredChunk::sequence)
                    .containsExactlyElementsOf(java.util.stream.LongStream.range(0, chunks.size()).boxed().toList());
        }
    }

    @Test
    void shouldServeManyLiveSubscriptionsWithAFewSharedConsumers() throws Exception {
        int before = consumerClients();
        List<RunSubscription> subscriptions = new ArrayList<>();
        try {
            for (int run = 0; run < 60; run++) {
                subscriptions.add(subscriber.subscribe("shared-" + run, StartPosition.BEGINNING));
            }
            Thread.sleep(500);
            int open = consumerClients() - before;
            for (int run = 0; run < 60; run++) {
                publish(publisher, "shared-" + run, Corpus.chunksAs("agent-tool", "chunks.ndjson", "shared-" + run));
            }
            for (RunSubscription subscription : subscriptions) {
                assertThat(subscription.stream().summary().get(30, TimeUnit.SECONDS).status())
                        .isEqualTo(RunStatus.SUCCESS);
                assertThat(subscription.stream().chunks().toList())
                        .hasSameSizeAs(Corpus.chunks("agent-tool", "chunks.ndjson"));
            }
            assertThat(open).as("Kafka consumers open for 60 live subscriptions").isLessThanOrEqualTo(2 + 2);
        } finally {
            subscriptions.forEach(RunSubscription::close);
        }
    }

    /** Kafka consumers of this JVM, by their metrics MBeans. */
    private static int consumerClients() throws Exception {
        return java.lang.management.ManagementFactory.getPlatformMBeanServer().queryNames(
                new javax.management.ObjectName("kafka.consumer:type=consumer-metrics,*"), null).size();
    }

    @Test
    void shouldWriteTheIngestTopicInTheSameTransactionInIngestMode() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(RunLayouts.TOPIC_PER_RUN.equals(layout),
                "the shared layout has no run topics and no ingest topic: it writes each chunk once");
        RunstreamConfig ingest = config("ingest");
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(ingest.topics().ingest(), 3,
                    (short) 1))).all().get();
        }
        try (KafkaRunPublisher transactional = new KafkaRunPublisher(ingest, registry)) {
            List<Chunk> chunks = Corpus.chunksAs("workflow", "chunks.ndjson", "tx-run");
            publish(transactional, "tx-run", chunks);
            RunSubscriber reader = new RunSubscriber(ingest, registry);
            assertThat(reader.replay("tx-run", true)).hasSize(chunks.size());
            try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(Map.of(
                    "bootstrap.servers", broker.bootstrapServers(), "isolation.level", "read_committed",
                    "group.id", "ingest-check", "auto.offset.reset", "earliest"),
                    new org.apache.kafka.common.serialization.StringDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                consumer.subscribe(List.of(ingest.topics().ingest()));
                int seen = 0;
                long deadline = System.currentTimeMillis() + 20_000;
                while (seen < chunks.size() && System.currentTimeMillis() < deadline) {
                    seen += consumer.poll(java.time.Duration.ofMillis(200)).count();
                }
                assertThat(seen).isEqualTo(chunks.size());
            }
        }
    }
}
