package dev.runstream.bridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.avro.RunSummaryMapper;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.SchemaRegistries;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.testing.Corpus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregator runs in a child JVM ({@link AggregatorMain}) and is killed with SIGKILL ({@code destroyForcibly})
 * while chunks flow; a new one takes over with the same application id and state directory (another child, and
 * finally one in this JVM). Exactly-once must hold across the kills: the persisted changelog holds every
 * non-transient chunk once, every summary update in {@code run-summaries} equals the fold of the run's chunks up to
 * its {@code lastSequence} (a chunk counted twice would show in {@code chunkCount} and usage), and the final
 * summaries equal the fold of the stored chunks.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class AggregatorKillIT {

    private static final int RUNS = Reliability.scale(40, 100);
    private static final int KILLS = Reliability.scale(1, 3);
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private final String bootstrap;
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    private final List<AutoCloseable> open = new ArrayList<>();
    private Process child;

    AggregatorKillIT(EmbeddedKafkaBroker broker) {
        this.bootstrap = broker.bootstrapServers();
    }

    @AfterEach
    void close() throws Exception {
        if (child != null) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        writers.shutdownNow();
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
    }

    @Test
    void shouldSummariseEveryChunkExactlyOnceWhenTheAggregatorIsKilledMidRun() throws Exception {
        String prefix = "rel-kill-" + PREFIXES.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        Map<String, Object> settings = new LinkedHashMap<>(Map.of(
                RunstreamConfig.PREFIX_CONFIG, prefix,
                RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, "4",
                RunstreamConfig.APPLICATION_ID_CONFIG, prefix + "-aggregator",
                "kafka.streams.state.dir", dir.resolve("state").toString(),
                // A killed member leaves the group only when its session times out: the broker's minimum.
                "kafka.streams.session.timeout.ms", "6000",
                "kafka.streams.heartbeat.interval.ms", "1000"));
        RunstreamConfig config = new RunstreamConfig(settings);
        SchemaRegistryClient registry = SchemaRegistries.fromConfig(config);
        open.add(registry);
        child = startChild(settings);
        KafkaRunPublisher publisher = new KafkaRunPublisher(config, registry);
        open.add(publisher);
        SummaryWatcher summaries = new SummaryWatcher(bootstrap, config.topics().runSummaries(), registry);
        open.add(summaries);

        Map<String, List<Chunk>> runs = new LinkedHashMap<>();
        for (int i = 0; i < RUNS; i++) {
            String runId = "kill-run-" + i;
            runs.put(runId, Corpus.chunksAs(Corpus.SCENARIOS.get(i % Corpus.SCENARIOS.size()), "chunks.ndjson", runId));
        }
        AtomicLong acked = new AtomicLong();
        write(publisher, runs, 0, acked, 0).join();
        List<Long> ackedAtKill = new ArrayList<>();
        List<Long> segmentSizes = new ArrayList<>();
        List<Long> openTransactions = new ArrayList<>();
        Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        open.add(admin);
        RunAggregator survivor = null;
        for (int kill = 1; kill <= KILLS; kill++) {
            int segment = kill;
            await().atMost(PATIENCE).untilAsserted(() -> summaries.assertProcessedThrough(runs, segment));
            long before = acked.get();
            CompletableFuture<Void> writing = write(publisher, runs, segment, acked, 250);
            await().atMost(PATIENCE).until(() -> summaries.processedBeyond(runs, segment));
            openTransactions.add(openTransactions(admin, config.applicationId()));
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            ackedAtKill.add(acked.get() - before);
            segmentSizes.add(runs.values().stream().mapToLong(c -> end(c, segment) - start(c, segment)).sum());
            if (kill < KILLS) {
                child = startChild(settings);
            } else {
                child = null;
                survivor = new RunAggregator(config, registry).start();
                open.add(survivor);
            }
            writing.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
        for (int kill = 0; kill < KILLS; kill++) {
            assertThat(ackedAtKill.get(kill)).as("chunks of the segment stored when the aggregator was killed")
                    .isLessThan(segmentSizes.get(kill));
        }

        StoredRuns stored = new StoredRuns(bootstrap, registry);
        Map<String, List<ConsumerRecord<String, byte[]>>> records = stored.read(
                runs.keySet().stream().map(config.topics()::runTopic).toList());
        Map<String, List<StoredChunk>> storedRuns = new HashMap<>();
        for (Map.Entry<String, List<Chunk>> run : runs.entrySet()) {
            String topic = config.topics().runTopic(run.getKey());
            storedRuns.put(run.getKey(), stored.assertStoredExactlyOnce(topic, run.getKey(), run.getValue(),
                    records.get(topic)));
        }
        RunAggregator aggregator = survivor;
        for (Map.Entry<String, List<StoredChunk>> run : storedRuns.entrySet()) {
            await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> StoredRuns.assertSameSummary(
                    aggregator.summary(run.getKey()).orElseThrow(), StoredRuns.fold(run.getKey(), run.getValue())));
        }
        assertPersistedChangelogHoldsEachChunkOnce(stored, config, storedRuns);
        int updates = summaries.assertEveryUpdateIsAFoldOfAPrefix(storedRuns);
        System.out.printf("AggregatorKillIT: %d runs, %d chunks, %d kill(s) with %s chunks of the running segment "
                        + "(of %s) stored and %s aggregator transactions open at the kill; %d summary updates, each "
                        + "the fold of a prefix of its run%n",
                RUNS, storedRuns.values().stream().mapToInt(List::size).sum(), KILLS, ackedAtKill, segmentSizes,
                openTransactions, updates);
    }

    /** The persisted changelog, read committed: each run's non-transient chunks, each once, in order. */
    private static void assertPersistedChangelogHoldsEachChunkOnce(StoredRuns stored, RunstreamConfig config,
            Map<String, List<StoredChunk>> runs) {
        Map<String, List<Long>> persisted = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : stored.read(config.topics().chunks())) {
            // <prefix>.chunks is keyed <runId>/<sequence>: group by run.
            persisted.computeIfAbsent(dev.runstream.bridge.wire.ChunkKey.runIdOf(record.key()),
                    key -> new ArrayList<>()).add(stored.decode(record).sequence());
        }
        assertThat(persisted.keySet()).containsExactlyInAnyOrderElementsOf(runs.keySet());
        runs.forEach((runId, chunks) -> assertThat(persisted.get(runId)).as("persisted sequences of %s", runId)
                .containsExactlyElementsOf(chunks.stream().filter(c -> !c.chunk().isTransient())
                        .map(StoredChunk::sequence).toList()));
    }

    /** How many of the aggregator's transactions are open (ongoing) now: what the kill leaves to abort. */
    private static long openTransactions(Admin admin, String applicationId) throws Exception {
        return admin.listTransactions().all().get().stream()
                .filter(listing -> listing.transactionalId().startsWith(applicationId))
                .filter(listing -> listing.state() == TransactionState.ONGOING).count();
    }

    /** Index one past the last chunk of segment {@code segment} (of {@code KILLS + 1}). */
    private static int end(List<Chunk> chunks, int segment) {
        return chunks.size() * (segment + 1) / (KILLS + 1);
    }

    private static int start(List<Chunk> chunks, int segment) {
        return segment == 0 ? 0 : end(chunks, segment - 1);
    }

    /** Writes one segment of every run, each run on a virtual thread, {@code paceMs} or so between chunks. */
    private CompletableFuture<Void> write(KafkaRunPublisher publisher, Map<String, List<Chunk>> runs,
            int segment, AtomicLong acked, int paceMs) {
        List<CompletableFuture<Void>> segmentWriters = new ArrayList<>();
        runs.forEach((runId, chunks) -> segmentWriters.add(CompletableFuture.runAsync(() -> {
            List<CompletableFuture<Long>> stages = new ArrayList<>();
            for (int i = start(chunks, segment); i < end(chunks, segment); i++) {
                int index = i;
                stages.add(publisher.accept(runId, chunks.get(i)).toCompletableFuture().thenApply(sequence -> {
                    assertThat(sequence).as("sequence of chunk %d of %s", index, runId).isEqualTo(index);
                    acked.incrementAndGet();
                    return sequence;
                }));
                pause(paceMs);
            }
            stages.forEach(CompletableFuture::join);
        }, writers)));
        return CompletableFuture.allOf(segmentWriters.toArray(CompletableFuture[]::new));
    }

    private static void pause(int paceMs) {
        if (paceMs > 0) {
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(paceMs / 2, paceMs * 2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** {@link AggregatorMain} in a JVM of its own, on this test's class path; returns once it runs. */
    private Process startChild(Map<String, Object> settings) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.runstream",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                AggregatorMain.class.getName()));
        settings.forEach((key, value) -> command.add(key + "=" + value));
        Process process = new ProcessBuilder(command)
                .redirectError(dir.resolve("aggregator-" + System.nanoTime() + ".err").toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.contains(AggregatorMain.READY)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        await().atMost(PATIENCE).until(() -> ready.isDone() || !process.isAlive());
        assertThat(ready.getNow(false)).as("the child aggregator started (its stderr is in %s)", dir).isTrue();
        return process;
    }

    /**
     * Follows {@code run-summaries} (read committed) with one consumer: every update of every run, in order.
     */
    private static final class SummaryWatcher implements AutoCloseable {

        private final org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> consumer;
        private final ConfluentAvroSerde<dev.runstream.avro.RunSummary> serde;
        private final Map<String, List<RunSummary>> updates = new HashMap<>();

        SummaryWatcher(String bootstrap, String topic, SchemaRegistryClient registry) {
            this.consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.of("bootstrap.servers",
                    bootstrap, "isolation.level", "read_committed", "enable.auto.commit", false),
                    new org.apache.kafka.common.serialization.StringDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer());
            this.serde = new ConfluentAvroSerde<>(dev.runstream.avro.RunSummary.class,
                    dev.runstream.avro.RunSummary.getClassSchema(), registry);
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic,
                    Duration.ofSeconds(30)).stream()
                    .map(info -> new org.apache.kafka.common.TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        private void poll() {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                updates.computeIfAbsent(record.key(), key -> new ArrayList<>())
                        .add(RunSummaryMapper.fromRecord(serde.decode(record.value())));
            }
        }

        private long lastSequence(String runId) {
            List<RunSummary> run = updates.getOrDefault(runId, List.of());
            return run.isEmpty() ? -1 : run.getLast().lastSequence();
        }

        /** Every run's summary has folded its last non-transient chunk up to segment {@code segment}. */
        void assertProcessedThrough(Map<String, List<Chunk>> runs, int segment) {
            poll();
            runs.forEach((runId, chunks) -> {
                long expected = -1;
                for (int i = 0; i < end(chunks, segment - 1); i++) {
                    expected = chunks.get(i).isTransient() ? expected : i;
                }
                assertThat(lastSequence(runId)).as("last folded sequence of %s", runId).isEqualTo(expected);
            });
        }

        /** Some run's summary has folded a chunk of segment {@code segment}. */
        boolean processedBeyond(Map<String, List<Chunk>> runs, int segment) {
            poll();
            return runs.entrySet().stream()
                    .anyMatch(run -> lastSequence(run.getKey()) >= start(run.getValue(), segment));
        }

        /** Each update equals the fold of the run's stored chunks up to its lastSequence; returns how many. */
        int assertEveryUpdateIsAFoldOfAPrefix(Map<String, List<StoredChunk>> runs) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                poll();
                runs.forEach((runId, chunks) -> assertThat(lastSequence(runId))
                        .isEqualTo(chunks.stream().filter(c -> !c.chunk().isTransient()).toList().getLast()
                                .sequence()));
            });
            int count = 0;
            for (Map.Entry<String, List<RunSummary>> run : updates.entrySet()) {
                for (RunSummary update : run.getValue()) {
                    List<StoredChunk> prefix = runs.get(run.getKey()).stream()
                            .filter(chunk -> chunk.sequence() <= update.lastSequence()).toList();
                    StoredRuns.assertSameSummary(update, StoredRuns.fold(run.getKey(), prefix));
                    count++;
                }
            }
            return count;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
