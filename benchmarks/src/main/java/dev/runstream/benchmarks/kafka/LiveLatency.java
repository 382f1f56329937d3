package dev.runstream.benchmarks.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.avro.ChunkRecord;
import dev.runstream.benchmarks.BenchEnvironment;
import dev.runstream.benchmarks.BenchSettings;
import dev.runstream.benchmarks.load.ChunkMix;
import dev.runstream.benchmarks.load.LiveRecorder;
import dev.runstream.benchmarks.load.Pacer;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Live end-to-end latency at a token-stream load: {@code liveRuns} runs each write a {@code text-delta} chunk
 * {@code liveRatePerRun} times a second (open loop, from one writer thread), while one reader per run follows it.
 * Latency is from the chunk's scheduled write time to its delivery to the reader.
 *
 * <p>Runstream: {@code KafkaRunPublisher.accept} → {@code RunSubscriber.subscribe} (one per run, each a consumer of
 * its own on a virtual thread, as the subscriber makes them), delivery = the chunk reaching a subscriber of the
 * subscription's {@code RunStream.fullStream()}, decoded. Raw: {@code KafkaProducer.send} of the same Avro frame →
 * one {@code KafkaConsumer} per run topic on a virtual thread of its own, same consumer settings
 * ({@code read_committed}), delivery = the record returned by {@code poll}, not decoded. A second raw anchor reads
 * every run with one consumer. The sides run one after another: raw, Runstream, raw with one consumer. Each run's first chunk is
 * written before the load, and the load starts once every reader has it: the readers are live, caught up.
 */
public final class LiveLatency {

    private static final Duration POLL = Duration.ofMillis(100);

    private final BenchEnvironment env;
    private final BenchSettings settings;
    private final ChunkMix mix;
    private final Report report;

    public LiveLatency(BenchEnvironment env, BenchSettings settings, ChunkMix mix, Report report) {
        this.env = env;
        this.settings = settings;
        this.mix = mix;
        this.report = report;
    }

    public void run() throws InterruptedException {
        int runs = settings.liveRuns();
        ObjectNode details = report.details("live");
        Latencies raw = raw(runs, details.putObject("raw"), false);
        Latencies runstream = runstream(runs, details.putObject("runstream"));
        Latencies shared = raw(runs, details.putObject("rawShared"), true);
        String name = "live latency " + runs + " runs × " + settings.liveRatePerRun() + "/s";
        String note = "text-delta chunks, open loop; " + settings.liveMeasure().toSeconds() + " s measured after "
                + settings.liveWarmup().toSeconds() + " s warm-up; one consumer per run on a virtual thread, both sides";
        report.add(Figure.of(name, "p50 ms", runstream.percentileMillis(50), raw.percentileMillis(50),
                Target.none(), note));
        report.add(Figure.of(name, "p99 ms", runstream.percentileMillis(99), raw.percentileMillis(99),
                Target.ratioAtMost(1.2), ""));
        report.add(Figure.of(name, "p99.9 ms", runstream.percentileMillis(99.9), raw.percentileMillis(99.9),
                Target.none(), ""));
        report.add(Figure.of(name, "p99 ms vs 1 raw consumer", runstream.percentileMillis(99),
                shared.percentileMillis(99), Target.none(), "second anchor: one raw consumer assigned every run"));
    }

    private int perRun() {
        return Pacer.chunksPerRun(settings.liveRatePerRun(), settings.liveWarmup().plus(settings.liveMeasure()));
    }

    private Latencies runstream(int runs, ObjectNode details) throws InterruptedException {
        String prefix = "bench-live-runstream";
        RunstreamConfig config = env.config(prefix, Map.of());
        LiveRecorder recorder = new LiveRecorder(runs, perRun());
        List<String> runIds = new ArrayList<>();
        List<Chunk> deltas = new ArrayList<>();
        List<RunSubscription> subscriptions = new ArrayList<>();
        AtomicLong failures = new AtomicLong();
        Latencies acks = new Latencies();
        try (KafkaRunPublisher publisher = new KafkaRunPublisher(config, env.registry());
                RunSubscriber subscriber = new RunSubscriber(config, env.registry())) {
            CompletableFuture<?>[] first = new CompletableFuture<?>[runs];
            for (int r = 0; r < runs; r++) {
                String runId = ChunkMix.runId(r);
                runIds.add(runId);
                deltas.add(mix.textDeltaFor(runId));
                first[r] = publisher.accept(runId, mix.startFor(runId)).toCompletableFuture();
            }
            CompletableFuture.allOf(first).join();
            for (int r = 0; r < runs; r++) {
                RunSubscription subscription = subscriber.subscribe(runIds.get(r), StartPosition.BEGINNING);
                subscriptions.add(subscription);
                subscription.stream().fullStream().subscribe(new Reader(recorder, r));
            }
            Pacer.Send send = (run, k, scheduled) -> {
                recorder.scheduled(run, k, scheduled);
                long handed = System.nanoTime();
                publisher.accept(runIds.get(run), deltas.get(run)).whenComplete((sequence, error) -> {
                    acks.recordNanos(System.nanoTime() - handed);
                    if (error != null) {
                        failures.incrementAndGet();
                    }
                });
            };
            measure(recorder, send, details);
        } finally {
            subscriptions.forEach(RunSubscription::close);
        }
        details.put("failedWrites", failures.get());
        details.set("writeToAcknowledgement", acks.toJson());
        env.deleteTopics(prefix);
        return recorder.latencies();
    }

    /**
     * Raw Kafka: one consumer per run on a virtual thread of its own (as {@code RunSubscriber} makes them), or with
     * {@code shared} one consumer assigned every run's partition.
     */
    private Latencies raw(int runs, ObjectNode details, boolean shared) throws InterruptedException {
        String prefix = shared ? "bench-live-raw-shared" : "bench-live-raw";
        RunstreamConfig config = env.config(prefix, Map.of());
        LiveRecorder recorder = new LiveRecorder(runs, perRun());
        ConfluentAvroSerde<ChunkRecord> serde = new ConfluentAvroSerde<>(ChunkRecord.class,
                ChunkRecord.getClassSchema(), env.registry());
        List<String> topics = new ArrayList<>();
        List<RawChunk> deltas = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        AtomicLong failures = new AtomicLong();
        Latencies acks = new Latencies();
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        for (int r = 0; r < runs; r++) {
            topics.add(config.topics().runTopic(ChunkMix.runId(r)));
        }
        env.createRunTopics(config, topics);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                BenchEnvironment.rawProducerProperties(config), new StringSerializer(), new ByteArraySerializer())) {
            for (int r = 0; r < runs; r++) {
                String runId = ChunkMix.runId(r);
                deltas.add(RawChunk.of(runId, 1, mix.textDeltaFor(runId), serde));
                producer.send(RawChunk.of(runId, 0, mix.startFor(runId), serde).toRecord(topics.get(r)));
            }
            producer.flush();
            Map<String, Object> consumerProps = BenchEnvironment.rawConsumerProperties(config);
            if (shared) {
                Map<String, Integer> runOfTopic = new java.util.HashMap<>();
                List<TopicPartition> partitions = new ArrayList<>();
                for (int r = 0; r < runs; r++) {
                    runOfTopic.put(topics.get(r), r);
                    partitions.add(new TopicPartition(topics.get(r), 0));
                }
                readers.add(Thread.ofPlatform().name("bench-raw-reader").daemon().start(() ->
                        read(consumerProps, partitions, stop, record -> recorder.received(runOfTopic.get(
                                record.topic())))));
            }
            for (int r = 0; r < runs && !shared; r++) {
                int run = r;
                List<TopicPartition> partition = List.of(new TopicPartition(topics.get(r), 0));
                readers.add(Thread.ofVirtual().name("bench-raw-reader-" + r).start(() ->
                        read(consumerProps, partition, stop, record -> recorder.received(run))));
            }
            Pacer.Send send = (run, k, scheduled) -> {
                recorder.scheduled(run, k, scheduled);
                long handed = System.nanoTime();
                producer.send(deltas.get(run).toRecord(topics.get(run)), (metadata, error) -> {
                    acks.recordNanos(System.nanoTime() - handed);
                    if (error != null) {
                        failures.incrementAndGet();
                    }
                });
            };
            measure(recorder, send, details);
        } finally {
            stop.set(true);
            for (Thread reader : readers) {
                reader.join(10_000);
            }
        }
        details.put("failedWrites", failures.get());
        details.set("writeToAcknowledgement", acks.toJson());
        env.deleteTopics(prefix);
        return recorder.latencies();
    }

    private static void read(Map<String, Object> props, List<TopicPartition> partitions,
            java.util.concurrent.atomic.AtomicBoolean stop,
            java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> each) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stop.get()) {
                consumer.poll(POLL).forEach(each);
            }
        }
    }

    private void measure(LiveRecorder recorder, Pacer.Send send, ObjectNode details) throws InterruptedException {
        long waitStart = System.nanoTime();
        if (!recorder.awaitReady(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the readers did not all get their run's first chunk within 120 s");
        }
        details.put("readersReadyMs", (System.nanoTime() - waitStart) / 1e6);
        long start = System.nanoTime() + 100_000_000L;
        recorder.measureFrom(start + settings.liveWarmup().toNanos());
        Pacer.Outcome outcome = Pacer.run(recorder.runs(), settings.liveRatePerRun(),
                settings.liveWarmup().plus(settings.liveMeasure()), start, send);
        boolean finished = recorder.awaitFinished(60, TimeUnit.SECONDS);
        details.put("sends", outcome.sends()).put("pacerSeconds", outcome.seconds())
                .put("pacerMaxLatenessMs", outcome.maxLatenessMs())
                .put("pacerMeanLatenessMs", outcome.meanLatenessMs())
                .put("unfinishedRuns", finished ? 0 : recorder.unfinishedReaders());
        details.set("latency", recorder.latencies().toJson());
        details.put("heapUsedAfterGcMb", heapAfterGcMb());
    }

    static double heapAfterGcMb() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
    }

    /** Passes each chunk of one run's stream to the recorder. */
    private record Reader(LiveRecorder recorder, int run) implements Flow.Subscriber<Chunk> {

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Chunk item) {
            recorder.received(run);
        }

        @Override
        public void onError(Throwable throwable) {
            // the run's stream failed: its missing chunks show as unfinished
        }

        @Override
        public void onComplete() {
            // closed at the end
        }
    }
}
