package dev.runstream.benchmarks.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.avro.ChunkRecord;
import dev.runstream.benchmarks.BenchEnvironment;
import dev.runstream.benchmarks.BenchSettings;
import dev.runstream.benchmarks.load.ChunkMix;
import dev.runstream.benchmarks.load.RawChunk;
import dev.runstream.benchmarks.report.Figure;
import dev.runstream.benchmarks.report.Latencies;
import dev.runstream.benchmarks.report.Report;
import dev.runstream.benchmarks.report.Target;
import dev.runstream.bridge.aggregate.AggregatorUnavailableException;
import dev.runstream.bridge.aggregate.RunAggregationTopology;
import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.config.SourceMode;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.fold.RunSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The aggregator ({@code RunAggregator}, both source modes) against a pass-through Kafka Streams application
 * ({@link PassThroughApp}) with the same Streams settings over the same input.
 *
 * <p>Throughput: {@code aggregationRuns} runs of {@code aggregationChunks} chunks each (the corpus mix, ending with
 * a {@code finish}) are written first by {@code KafkaRunPublisher} (in ingest mode also to the ingest topic, in its
 * transactions). Then each application starts on it from the beginning; throughput = input chunks / time from the
 * application being RUNNING to the last run's summary (aggregator, read with {@code RunAggregator.summary}) or the
 * last record (pass-through, committed end offsets of its output) being visible.
 *
 * <p>New run: with the application running, a new run's first chunk is written; latency = until its summary is
 * visible through {@code RunAggregator.summary} (written by the publisher: topic creation included), or for the
 * pass-through until its record is in the output topic for a {@code read_committed} consumer (written by a raw
 * producer after {@code createTopics} in pattern mode, to the ingest topic in ingest mode). New runs start every
 * 300 ms, so they fall anywhere in the metadata refresh cycle that discovers new topics in pattern mode.
 */
public final class AggregationBenchmark {

    private static final long TIMEOUT_SECONDS = 300;
    private static final long NEW_RUN_INTERVAL_MS = 300;

    private final BenchEnvironment env;
    private final BenchSettings settings;
    private final ChunkMix mix;
    private final Report report;

    public AggregationBenchmark(BenchEnvironment env, BenchSettings settings, ChunkMix mix, Report report) {
        this.env = env;
        this.settings = settings;
        this.mix = mix;
        this.report = report;
    }

    public void run() throws InterruptedException {
        for (String mode : List.of(RunstreamConfig.SOURCE_MODE_PATTERN, RunstreamConfig.SOURCE_MODE_INGEST)) {
            measure(mode);
        }
    }

    private void measure(String mode) throws InterruptedException {
        String prefix = "bench-agg-" + mode;
        RunstreamConfig config = env.config(prefix, Map.of(RunstreamConfig.SOURCE_MODE_CONFIG, mode));
        ObjectNode details = report.details("aggregation").putObject(mode);
        long metadataAge = config.getLong(RunstreamConfig.AGGREGATOR_METADATA_MAX_AGE_MS_CONFIG);
        long commitInterval = config.getLong(RunstreamConfig.AGGREGATOR_COMMIT_INTERVAL_MS_CONFIG);
        details.put("processingGuarantee", config.getString(RunstreamConfig.PROCESSING_GUARANTEE_CONFIG))
                .put("metadataMaxAgeMs", metadataAge).put("commitIntervalMs", commitInterval);
        RunAggregationTopology.createTopics(env.admin(), config);
        String output = prefix + ".passthrough-out";
        createTopic(output, config.getInt(RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG));

        List<String> runIds = new ArrayList<>();
        for (int r = 0; r < settings.aggregationRuns(); r++) {
            runIds.add(ChunkMix.runId(r));
        }
        long total = (long) runIds.size() * settings.aggregationChunks();
        try (KafkaRunPublisher publisher = new KafkaRunPublisher(config, env.registry())) {
            long begin = System.nanoTime();
            preload(publisher, runIds);
            details.put("inputChunks", total).put("preloadSeconds", (System.nanoTime() - begin) / 1e9);

            double passThrough;
            Latencies passThroughNewRun;
            try (PassThroughApp app = new PassThroughApp(config, output).start()) {
                long running = awaitRunning(app::state);
                awaitTrue(() -> committedEnd(output) >= total, "the pass-through to copy " + total + " records");
                passThrough = total / ((System.nanoTime() - running) / 1e9);
                passThroughNewRun = passThroughNewRuns(config, output);
            }
            double aggregation;
            Latencies newRun;
            try (RunAggregator aggregator = new RunAggregator(config, env.registry()).start()) {
                long running = awaitRunning(aggregator::streamsState);
                long lastSequence = settings.aggregationChunks() - 1;
                awaitTrue(() -> runIds.stream().allMatch(run -> summarised(aggregator, run, lastSequence)),
                        "the aggregator to summarise every run");
                aggregation = total / ((System.nanoTime() - running) / 1e9);
                newRun = newRuns(aggregator, publisher);
            }
            details.put("passThroughChunksPerSecond", passThrough).put("aggregatorChunksPerSecond", aggregation);
            details.set("newRunToSummary", newRun.toJson());
            details.set("newRunToPassThroughOutput", passThroughNewRun.toJson());
            details.set("deadLetters", deadLetterReasons(config));

            String source = mode.equals(RunstreamConfig.SOURCE_MODE_PATTERN) ? "pattern source" : "ingest source";
            report.add(Figure.of("aggregation, " + source, "chunks/s", aggregation, passThrough,
                    Target.ratioAtLeast(0.8), settings.aggregationRuns() + " runs × "
                            + settings.aggregationChunks() + " chunks; anchor: pass-through Streams app, same "
                            + "settings (" + config.getString(RunstreamConfig.PROCESSING_GUARANTEE_CONFIG) + ")"));
            String discovery = mode.equals(RunstreamConfig.SOURCE_MODE_PATTERN)
                    ? "aggregator.metadata.max.age.ms=" + metadataAge + " (new-topic discovery), " : "";
            report.add(Figure.of("new run → summary, " + source, "p50 ms", newRun.percentileMillis(50),
                    passThroughNewRun.percentileMillis(50), Target.none(), settings.newRunSamples() + " new runs; "
                            + discovery + "commit.interval.ms=" + commitInterval
                            + "; anchor: new record → pass-through output"));
            report.add(Figure.of("new run → summary, " + source, "p99 ms", newRun.percentileMillis(99),
                    passThroughNewRun.percentileMillis(99), Target.atMost(1000), ""));
        }
        env.deleteTopics(prefix);
    }

    /** Every run: the mix from its own place, cycled, then {@code finish}; waits until Kafka has them all. */
    private void preload(KafkaRunPublisher publisher, List<String> runIds) {
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        List<List<Chunk>> chunks = new ArrayList<>();
        for (String runId : runIds) {
            chunks.add(mix.chunksFor(runId));
        }
        for (int i = 0; i < settings.aggregationChunks(); i++) {
            for (int r = 0; r < runIds.size(); r++) {
                Chunk chunk = i == settings.aggregationChunks() - 1 ? mix.finishFor(runIds.get(r))
                        : chunks.get(r).get((r * 7 + i) % mix.size());
                writes.add(publisher.accept(runIds.get(r), chunk).toCompletableFuture());
            }
            if (writes.size() >= 50_000) {
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
                writes.clear();
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    }

    private static boolean summarised(RunAggregator aggregator, String runId, long lastSequence) {
        try {
            Optional<RunSummary> summary = aggregator.summary(runId);
            return summary.isPresent() && summary.get().lastSequence() >= lastSequence;
        } catch (AggregatorUnavailableException e) {
            return false;
        }
    }

    /** New runs through the publisher, one every 300 ms; each until its summary is visible. */
    private Latencies newRuns(RunAggregator aggregator, KafkaRunPublisher publisher) throws InterruptedException {
        Latencies latencies = new Latencies();
        Map<String, Long> pending = new LinkedHashMap<>();
        int started = 0;
        long nextStart = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while ((started < settings.newRunSamples() || !pending.isEmpty()) && System.nanoTime() < deadline) {
            if (started < settings.newRunSamples() && System.nanoTime() >= nextStart) {
                String runId = "new-" + ChunkMix.runId(started++);
                pending.put(runId, System.nanoTime());
                publisher.accept(runId, mix.startFor(runId));
                nextStart += TimeUnit.MILLISECONDS.toNanos(NEW_RUN_INTERVAL_MS);
            }
            pending.entrySet().removeIf(run -> {
                if (summarised(aggregator, run.getKey(), 0)) {
                    latencies.recordNanos(System.nanoTime() - run.getValue());
                    return true;
                }
                return false;
            });
            Thread.sleep(5);
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException(pending.size() + " new runs got no summary within " + TIMEOUT_SECONDS
                    + " s");
        }
        return latencies;
    }

    /** New records through a raw producer (after createTopics in pattern mode), each until the output has it. */
    private Latencies passThroughNewRuns(RunstreamConfig config, String output) throws InterruptedException {
        Latencies latencies = new Latencies();
        boolean pattern = config.sourceMode() == SourceMode.PATTERN;
        Map<String, Object> producerProps = BenchEnvironment.rawProducerProperties(config);
        if (!pattern) {
            producerProps.put("transactional.id", config.topics().prefix() + "-bench-raw");
        }
        Map<String, Object> consumerProps = BenchEnvironment.rawConsumerProperties(config);
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < config.getInt(RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG); p++) {
            partitions.add(new TopicPartition(output, p));
        }
        Map<String, Long> pending = new HashMap<>();
        ConfluentAvroSerde<ChunkRecord> serde = new ConfluentAvroSerde<>(ChunkRecord.class,
                ChunkRecord.getClassSchema(), env.registry());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new ByteArraySerializer());
                KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                        new ByteArrayDeserializer())) {
            if (!pattern) {
                producer.initTransactions();
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            int started = 0;
            long nextStart = System.nanoTime();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while ((started < settings.newRunSamples() || !pending.isEmpty()) && System.nanoTime() < deadline) {
                if (started < settings.newRunSamples() && System.nanoTime() >= nextStart) {
                    String runId = "raw-new-" + ChunkMix.runId(started++);
                    pending.put(runId, System.nanoTime());
                    byte[] value = RawChunk.of(runId, 0, mix.startFor(runId), serde).frame();
                    if (pattern) {
                        String topic = config.topics().runTopic(runId);
                        createTopic(topic, 1);
                        producer.send(new ProducerRecord<>(topic, runId, value));
                    } else {
                        producer.beginTransaction();
                        producer.send(new ProducerRecord<>(config.topics().ingest(), runId, value));
                        producer.commitTransaction();
                    }
                    nextStart += TimeUnit.MILLISECONDS.toNanos(NEW_RUN_INTERVAL_MS);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(5))) {
                    Long begin = pending.remove(record.key());
                    if (begin != null) {
                        latencies.recordNanos(System.nanoTime() - begin);
                    }
                }
            }
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException(pending.size() + " new records did not reach the pass-through output "
                    + "within " + TIMEOUT_SECONDS + " s");
        }
        return latencies;
    }

    private long awaitRunning(java.util.function.Supplier<KafkaStreams.State> state) throws InterruptedException {
        awaitTrue(() -> state.get() == KafkaStreams.State.RUNNING, "Kafka Streams to be RUNNING");
        return System.nanoTime();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + TIMEOUT_SECONDS + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private void createTopic(String topic, int partitions) {
        try {
            env.admin().createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** How many records were dead-lettered, by reason (the {@code runstream.error} header, digits masked). */
    private ObjectNode deadLetterReasons(RunstreamConfig config) {
        ObjectNode reasons = report.details("aggregation").objectNode();
        TopicPartition partition = new TopicPartition(config.topics().deadLetters(), 0);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                BenchEnvironment.rawConsumerProperties(config), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String reason = dev.runstream.bridge.wire.RunstreamHeaders.get(record.headers(),
                            dev.runstream.bridge.wire.RunstreamHeaders.ERROR);
                    String key = String.valueOf(reason).replaceAll("[0-9]+", "N");
                    reasons.put(key, reasons.path(key).asLong() + 1);
                }
            }
        }
        return reasons;
    }

    /** The sum of the committed end offsets (last stable offsets) of a topic's partitions. */
    private long committedEnd(String topic) {
        try {
            var description = env.admin().describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()),
                    OffsetSpec.latest()));
            return env.admin().listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values().stream().mapToLong(info -> info.offset()).sum();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the end offsets of " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
