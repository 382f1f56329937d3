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
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.subscribe.RunSubscriber;
import dev.runstream.bridge.subscribe.RunSubscription;
import dev.runstream.bridge.subscribe.StartPosition;
import dev.runstream.core.chunk.Chunk;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Run start: a reader waits for a run that does not exist yet; then the run's first chunk is written; latency is
 * from that write to the reader getting the chunk, topic creation included. Runs start one after another, each
 * after a random pause (0–250 ms) once its reader is waiting, so that the write falls anywhere in the reader's
 * wait loop.
 *
 * <p>Runstream: {@code RunSubscriber.subscribe(runId, LIVE)} on the not yet existing run (it polls for the topic),
 * then {@code KafkaRunPublisher.accept} of the run's {@code start} chunk (the publisher creates the topic and waits
 * for its leader). Raw: a {@code KafkaConsumer} assigned to the topic before it exists ({@code
 * allow.auto.create.topics=false}, polling), then {@code Admin.createTopics} of the topic, then
 * {@code KafkaProducer.send} of the same frame as soon as the creation returns.
 */
public final class RunStartLatency {

    private static final long TIMEOUT_SECONDS = 30;
    private static final Duration POLL = Duration.ofMillis(100);

    private final BenchEnvironment env;
    private final BenchSettings settings;
    private final ChunkMix mix;
    private final Report report;

    public RunStartLatency(BenchEnvironment env, BenchSettings settings, ChunkMix mix, Report report) {
        this.env = env;
        this.settings = settings;
        this.mix = mix;
        this.report = report;
    }

    public void run() throws InterruptedException {
        ObjectNode details = report.details("run-start");
        Latencies raw = raw(details.putObject("raw"));
        Latencies runstream = runstream(details.putObject("runstream"));
        String name = "run start (" + settings.runStartSamples() + " new runs)";
        String note = "first write of a new run → its first chunk at a waiting live reader; topic creation included";
        report.add(Figure.of(name, "p50 ms", runstream.percentileMillis(50), raw.percentileMillis(50), Target.none(),
                note));
        report.add(Figure.of(name, "p99 ms", runstream.percentileMillis(99), raw.percentileMillis(99), Target.none(),
                ""));
    }

    private Latencies runstream(ObjectNode details) throws InterruptedException {
        String prefix = "bench-start-runstream";
        RunstreamConfig config = env.config(prefix, Map.of());
        Latencies latencies = new Latencies();
        Latencies acks = new Latencies();
        SplittableRandom random = new SplittableRandom(42);
        int missed = 0;
        try (KafkaRunPublisher publisher = new KafkaRunPublisher(config, env.registry());
                RunSubscriber subscriber = new RunSubscriber(config, env.registry())) {
            for (int i = 0; i < settings.runStartSamples(); i++) {
                String runId = ChunkMix.runId(i);
                Chunk start = mix.startFor(runId);
                CompletableFuture<Long> seen = new CompletableFuture<>();
                try (RunSubscription subscription = subscriber.subscribe(runId, StartPosition.LIVE)) {
                    subscription.stream().fullStream().subscribe(new FirstChunk(seen));
                    Thread.sleep(random.nextInt(250));
                    long written = System.nanoTime();
                    CompletableFuture<Long> ack = publisher.accept(runId, start).toCompletableFuture()
                            .thenApply(sequence -> System.nanoTime());
                    try {
                        latencies.recordNanos(seen.get(TIMEOUT_SECONDS, TimeUnit.SECONDS) - written);
                    } catch (TimeoutException e) {
                        missed++;
                    }
                    acks.recordNanos(ack.join() - written);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("run " + runId + " failed: " + e.getCause(), e.getCause());
                }
            }
        }
        details.set("latency", latencies.toJson());
        details.set("writeToAcknowledgement", acks.toJson());
        details.put("missedFirstChunks", missed);
        details.put("retentionOfFirstRunTopic", retentionSource(config.topics().runTopic(ChunkMix.runId(0))));
        env.deleteTopics(prefix);
        return latencies;
    }

    /**
     * Where the retention of a run topic comes from: {@code DYNAMIC_TOPIC_CONFIG} when the publisher created it
     * (with {@code run.topic.retention.ms}), {@code DEFAULT_CONFIG} when something else did with the broker's
     * defaults (e.g. the broker's auto-creation when a reader asked for the topic's metadata first).
     */
    private String retentionSource(String topic) {
        try {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            var entry = env.admin().describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(resource).get("retention.ms");
            return entry.value() + " (" + entry.source() + ")";
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            return "unknown: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown: interrupted";
        }
    }

    private Latencies raw(ObjectNode details) throws InterruptedException {
        String prefix = "bench-start-raw";
        RunstreamConfig config = env.config(prefix, Map.of());
        Latencies latencies = new Latencies();
        Latencies acks = new Latencies();
        SplittableRandom random = new SplittableRandom(42);
        ConfluentAvroSerde<ChunkRecord> serde = new ConfluentAvroSerde<>(ChunkRecord.class,
                ChunkRecord.getClassSchema(), env.registry());
        Map<String, String> topicConfig = Map.of("retention.ms",
                Long.toString(config.getLong(RunstreamConfig.RUN_TOPIC_RETENTION_MS_CONFIG)));
        int missed = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                BenchEnvironment.rawProducerProperties(config), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < settings.runStartSamples(); i++) {
                String runId = ChunkMix.runId(i);
                String topic = config.topics().runTopic(runId);
                RawChunk start = RawChunk.of(runId, 0, mix.startFor(runId), serde);
                CompletableFuture<Long> seen = new CompletableFuture<>();
                Thread reader = Thread.ofPlatform().name("bench-start-reader").start(() -> readFirst(config, topic,
                        seen));
                try {
                    Thread.sleep(random.nextInt(250));
                    long written = System.nanoTime();
                    env.admin().createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                            .configs(topicConfig))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    producer.send(start.toRecord(topic)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    acks.recordNanos(System.nanoTime() - written);
                    try {
                        latencies.recordNanos(seen.get(TIMEOUT_SECONDS, TimeUnit.SECONDS) - written);
                    } catch (TimeoutException e) {
                        missed++;
                    }
                } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                    throw new IllegalStateException("raw run " + runId + " failed: " + e, e);
                } finally {
                    seen.complete(-1L);
                    reader.join();
                }
            }
        }
        details.set("latency", latencies.toJson());
        details.set("writeToAcknowledgement", acks.toJson());
        details.put("missedFirstChunks", missed);
        env.deleteTopics(prefix);
        return latencies;
    }

    /** Polls the one partition of {@code topic} (waiting for it to exist) until a record comes or {@code seen} ends. */
    private static void readFirst(RunstreamConfig config, String topic, CompletableFuture<Long> seen) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                BenchEnvironment.rawConsumerProperties(config), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            while (!seen.isDone()) {
                if (!consumer.poll(POLL).isEmpty()) {
                    seen.complete(System.nanoTime());
                }
            }
        }
    }

    /** Completes with the time the first chunk arrived. */
    private record FirstChunk(CompletableFuture<Long> seen) implements Flow.Subscriber<Chunk> {

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Chunk item) {
            seen.complete(System.nanoTime());
        }

        @Override
        public void onError(Throwable throwable) {
            seen.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            // the first chunk, if any, came before
        }
    }
}
