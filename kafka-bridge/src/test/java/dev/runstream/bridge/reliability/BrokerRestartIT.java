package dev.runstream.bridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.RunLayouts;
import dev.runstream.bridge.broker.internal.LoopbackPorts;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.SchemaRegistries;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.testing.Corpus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The broker is restarted (closed, then started again on the same data directory and port) while 100 runs are being
 * written through one {@link KafkaRunPublisher} and a real {@link RunAggregator} reads them. The producer's delivery
 * timeout is shorter than the outage, so chunks do fail; each writer then resumes as {@link ResumingWriter} says. In
 * the end every run topic must hold every chunk exactly once, in order, numbered from 0, and every summary must equal
 * the fold of those chunks in memory. "Stored" is read once every transaction on the run topics is decided: a commit
 * returns before the broker writes its markers, seconds later right after a restart (see {@link StoredRuns#read}).
 */
class BrokerRestartIT {

    private static final int RUNS = 100;
    private static final int ROUNDS = Reliability.scale(1, 4);
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @TempDir
    Path dir;

    private final int port = LoopbackPorts.freePort("127.0.0.1");
    private EmbeddedKafkaBroker broker;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private EmbeddedKafkaBroker startBroker() {
        return EmbeddedKafkaBroker.builder(dir.resolve("kafka")).port(port).build().start();
    }

    @ParameterizedTest(name = "source.mode={0}")
    @ValueSource(strings = {RunstreamConfig.SOURCE_MODE_PATTERN, RunstreamConfig.SOURCE_MODE_INGEST,
            RunLayouts.SHARED})
    void shouldStoreEveryChunkOnceAndSummariseEveryRunAsWithoutFaultAcrossABrokerRestart(String sourceMode)
            throws Exception {
        // The shared layout's source is ingest (its only one).
        boolean shared = sourceMode.equals(RunLayouts.SHARED);
        broker = startBroker();
        String prefix = "rel-restart-" + PREFIXES.incrementAndGet();
        RunstreamConfig config = new RunstreamConfig(Map.ofEntries(
                Map.entry(RunstreamConfig.PREFIX_CONFIG, prefix),
                Map.entry(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                Map.entry(RunstreamConfig.SOURCE_MODE_CONFIG, shared ? RunstreamConfig.SOURCE_MODE_INGEST : sourceMode),
                Map.entry(RunstreamConfig.RUN_LAYOUT_CONFIG, shared ? RunLayouts.SHARED : RunLayouts.TOPIC_PER_RUN),
                Map.entry(RunstreamConfig.RUNS_TOPIC_PARTITIONS_CONFIG, 4),
                Map.entry(RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, 4),
                Map.entry(RunstreamConfig.INGEST_TOPIC_PARTITIONS_CONFIG, 4),
                // Shorter than the outage, so that chunks fail and writers must resume: a transaction's commit
                // waits up to max.block.ms for a broker that is down.
                Map.entry("kafka.producer.delivery.timeout.ms", 4000),
                Map.entry("kafka.producer.request.timeout.ms", 1500),
                Map.entry("kafka.producer.max.block.ms", 4000),
                Map.entry("kafka.admin.default.api.timeout.ms", 15000),
                Map.entry("kafka.admin.request.timeout.ms", 2000),
                Map.entry("kafka.streams.state.dir", dir.resolve("streams").toString())));
        SchemaRegistryClient registry = SchemaRegistries.fromConfig(config);
        open.add(registry);
        RunAggregator aggregator = new RunAggregator(config, registry).start();
        open.add(aggregator);
        KafkaRunPublisher publisher = new KafkaRunPublisher(config, registry);
        open.add(publisher);
        StoredRuns stored = new StoredRuns(broker.bootstrapServers(), registry);

        Map<String, List<Chunk>> runs = new LinkedHashMap<>();
        List<ResumingWriter.Report> reports = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Map<String, List<Chunk>> roundRuns = new LinkedHashMap<>();
            for (int i = 0; i < RUNS; i++) {
                String runId = "r" + round + "-run-" + i;
                roundRuns.put(runId, Corpus.chunksAs(Corpus.SCENARIOS.get(i % Corpus.SCENARIOS.size()),
                        "chunks.ndjson", runId));
            }
            runs.putAll(roundRuns);
            reports.addAll(writeAcrossARestart(publisher, roundRuns));
        }

        List<String> anomalies = reports.stream().flatMap(report -> report.anomalies().stream()).toList();
        assertThat(anomalies).as("acknowledged sequence numbers that are not the chunk's index").isEmpty();
        int failed = reports.stream().mapToInt(ResumingWriter.Report::failedChunks).sum();
        int resumed = (int) reports.stream().filter(report -> report.resumes() > 0).count();
        assertThat(failed).as("chunks that failed while the broker was down").isPositive();

        Map<String, List<ConsumerRecord<String, byte[]>>> records = stored.read(shared
                ? List.of(config.topics().runs()) : runs.keySet().stream().map(config.topics()::runTopic).toList());
        for (Map.Entry<String, List<Chunk>> run : runs.entrySet()) {
            String runId = run.getKey();
            String topic = RunLayouts.logTopic(config.topics(), shared ? RunLayouts.SHARED : RunLayouts.TOPIC_PER_RUN,
                    runId);
            List<StoredChunk> chunks = stored.assertStoredExactlyOnce(topic, runId, run.getValue(),
                    records.get(topic).stream().filter(record -> runId.equals(record.key())).toList());
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() -> StoredRuns
                    .assertSameSummary(aggregator.summary(runId).orElseThrow(), StoredRuns.fold(runId, chunks)));
        }
        System.out.printf("BrokerRestartIT (%s): %d rounds x %d runs, %d chunks; %d chunk stages failed during the "
                        + "outages, %d runs resumed; every chunk stored once, every summary equal to the fold%n",
                sourceMode, ROUNDS, RUNS, runs.values().stream().mapToInt(List::size).sum(), failed, resumed);
    }

    /**
     * Writes the runs concurrently; once a quarter of their chunks are handed over, closes the broker, and starts it
     * again once a chunk has failed.
     */
    private List<ResumingWriter.Report> writeAcrossARestart(KafkaRunPublisher publisher,
            Map<String, List<Chunk>> runs) throws Exception {
        AtomicLong handedOver = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        long total = runs.values().stream().mapToLong(List::size).sum();
        List<Future<ResumingWriter.Report>> writers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Map.Entry<String, List<Chunk>> run : runs.entrySet()) {
                writers.add(threads.submit(new ResumingWriter(publisher, run.getKey(), run.getValue(),
                        handedOver, failures)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> handedOver.get() >= total / 4);
            broker.close();
            await().atMost(Duration.ofSeconds(60)).until(() -> failures.get() > 0);
            broker = startBroker();
            long restarted = System.nanoTime();
            List<ResumingWriter.Report> reports = new ArrayList<>();
            for (Future<ResumingWriter.Report> writer : writers) {
                reports.add(writer.get(180, TimeUnit.SECONDS));
            }
            System.out.printf("BrokerRestartIT: writers done %d ms after the broker was back%n",
                    (System.nanoTime() - restarted) / 1_000_000);
            return reports;
        }
    }
}
