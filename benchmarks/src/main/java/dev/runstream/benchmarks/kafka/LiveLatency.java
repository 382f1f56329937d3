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
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * <p>Runstream: {@code KafkaRunPublisher.accept} → {@code RunSubscriber.subscribe} (one subscription per run, all
 * read by the subscriber's shared fan-out consumers), delivery = the chunk reaching a subscriber of the
 * subscription's {@code RunStream.fullStream()}, decoded. Raw: {@code KafkaProducer.send} of the same Avro frame →
 * one {@code KafkaConsumer} per run topic on a virtual thread of its own, same consumer settings
 * ({@code read_committed}), delivery = the record returned by {@code poll}, not decoded. A second raw anchor reads
 * every run with one consumer. A third writes in transactions as the publisher does — one sender thread, one
 * transaction per batch of whatever writers handed over meanwhile — and reads with one consumer: what Kafka itself
 * costs for "a batch is stored whole or not at all". The sides run one after another. Each run's first chunk is
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
        Latencies raw = raw(runs, details.putObject("raw"), false, false);
        Latencies runstream = runstream(runs, details.putObject("runstream"));
        Latencies shared = raw(runs, details.putObject("rawShared"), true, false);
        Latencies transactional = raw(runs, details.putObject("rawTransactional"), true, true);
        String name = "live latency " + runs + " runs × " + settings.liveRatePerRun() + "/s";
        String note = "text-delta chunks, open loop; " + settings.liveMeasure().toSeconds() + " s measured after "
                + settings.liveWarmup().toSeconds() + " s warm-up; Runstream: 2 shared fan-out consumers; raw: one "
                + "consumer per run on a virtual thread";
        report.add(Figure.of(name, "p50 ms", runstream.percentileMillis(50), raw.percentileMillis(50),
                Target.none(), note));
        report.add(Figure.of(name, "p99 ms", runstream.percentileMillis(99), raw.percentileMillis(99),
                Target.ratioAtMost(1.2), ""));
        report.add(Figure.of(name, "p99.9 ms", runstream.percentileMillis(99.9), raw.percentileMillis(99.9),
                Target.none(), ""));
        report.add(Figure.of(name, "p99 ms vs 1 raw consumer", runstream.percentileMillis(99),
                shared.percentileMillis(99), Target.none(), "second anchor: one raw consumer assigned every run"));
        report.add(Figure.of(name, "p50 ms vs raw transactional", runstream.percentileMillis(50),
                transactional.percentileMillis(50), Target.none(),
                "third anchor: raw frames in one transaction per batch from one sender thread, one consumer"));
        report.add(Figure.of(name, "p99 ms vs raw transactional", runstream.percentileMillis(99),
                transactional.percentileMillis(99), Target.none(), ""));
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
     * Raw Kafka: one consumer per run on a virtual thread of its own, or with {@code shared} one consumer assigned
     * every run's partition; with {@code transactional} the records are written in one transaction per batch.
     */
    private Latencies raw(int runs, ObjectNode details, boolean shared, boolean transactional)
            throws InterruptedException {
        String prefix = transactional ? "bench-live-raw-tx" : shared ? "bench-live-raw-shared" : "bench-live-raw";
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
        Map<String, Object> producerProps = BenchEnvironment.rawProducerProperties(config);
        if (transactional) {
            producerProps.put("transactional.id", prefix + "-" + System.nanoTime());
        }
        TransactionalSender batches = null;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new ByteArraySerializer())) {
            if (transactional) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            for (int r = 0; r < runs; r++) {
                String runId = ChunkMix.runId(r);
                deltas.add(RawChunk.of(runId, 1, mix.textDeltaFor(runId), serde));
                producer.send(RawChunk.of(runId, 0, mix.startFor(runId), serde).toRecord(topics.get(r)));
            }
            if (transactional) {
                producer.commitTransaction();
                batches = new TransactionalSender(producer, acks, failures);
            } else {
                producer.flush();
            }
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
            TransactionalSender sender = batches;
            Pacer.Send send = (run, k, scheduled) -> {
                recorder.scheduled(run, k, scheduled);
                long handed = System.nanoTime();
                if (sender != null) {
                    sender.hand(deltas.get(run).toRecord(topics.get(run)), handed);
                    return;
                }
                producer.send(deltas.get(run).toRecord(topics.get(run)), (metadata, error) -> {
                    acks.recordNanos(System.nanoTime() - handed);
                    if (error != null) {
                        failures.incrementAndGet();
                    }
                });
            };
            measure(recorder, send, details);
        } finally {
            if (batches != null) {
                batches.close();
            }
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

    /**
     * Writes what the pacer hands over in transactions, as the publisher's sender thread does: takes everything
     * queued, sends it in one transaction, commits, and records each record's time from hand-over to commit.
     */
    private static final class TransactionalSender implements AutoCloseable {

        private record Handed(ProducerRecord<String, byte[]> record, long handedNanos) {
        }

        private final java.util.concurrent.LinkedBlockingQueue<Handed> queue =
                new java.util.concurrent.LinkedBlockingQueue<>();
        private final Thread thread;
        private volatile boolean closed;

        TransactionalSender(KafkaProducer<String, byte[]> producer, Latencies acks, AtomicLong failures) {
            this.thread = Thread.ofPlatform().name("bench-raw-tx-sender").daemon().start(() -> {
                List<Handed> batch = new ArrayList<>();
                while (!closed || !queue.isEmpty()) {
                    try {
                        Handed first = queue.poll(100, TimeUnit.MILLISECONDS);
                        if (first == null) {
                            continue;
                        }
                        batch.add(first);
                        queue.drainTo(batch, 999);
                        producer.beginTransaction();
                        batch.forEach(handed -> producer.send(handed.record()));
                        producer.commitTransaction();
                        long now = System.nanoTime();
                        batch.forEach(handed -> acks.recordNanos(now - handed.handedNanos()));
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        failures.addAndGet(batch.size());
                        producer.abortTransaction();
                    } finally {
                        batch.clear();
                    }
                }
            });
        }

        void hand(ProducerRecord<String, byte[]> record, long handedNanos) {
            queue.add(new Handed(record, handedNanos));
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            thread.join(30_000);
        }
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
