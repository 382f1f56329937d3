package dev.runstream.benchmarks.sse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.avro.ChunkRecord;
import dev.runstream.benchmarks.BenchEnvironment;
import dev.runstream.benchmarks.BenchSettings;
import dev.runstream.benchmarks.load.ChunkMix;
import dev.runstream.benchmarks.load.LiveRecorder;
import dev.runstream.benchmarks.load.MachineCpu;
import dev.runstream.benchmarks.load.Pacer;
import dev.runstream.benchmarks.load.RawChunk;
import dev.runstream.benchmarks.report.Figure;
import dev.runstream.benchmarks.report.Latencies;
import dev.runstream.benchmarks.report.Report;
import dev.runstream.benchmarks.report.Target;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.core.chunk.Chunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The HTTP/SSE bridge's live fan-out: {@code sseSubscribers} SSE readers of {@code sseRuns} runs held open against a
 * bridge in a JVM of its own with {@code -Xmx1g} ({@link SseBridgeProcess}), its heap after a full GC and its CPU
 * time while idle and under load; then writer → SSE client latency while every run writes {@code sseRatePerRun}
 * text-delta chunks a second (written by {@code KafkaRunPublisher} in this JVM, read by the bridge's shared
 * consumers, sent to each reader as {@code data:} events). The raw anchor of the latency: a raw producer → two raw
 * consumers sharing every run topic (as the fan-out's two consumers do), same load, no HTTP.
 */
public final class SseBenchmark {

    private static final String HEAP = "1g";
    private static final int MAX_OPENING = 200;
    private static final Duration POLL = Duration.ofMillis(100);

    private final BenchEnvironment env;
    private final BenchSettings settings;
    private final ChunkMix mix;
    private final Report report;

    public SseBenchmark(BenchEnvironment env, BenchSettings settings, ChunkMix mix, Report report) {
        this.env = env;
        this.settings = settings;
        this.mix = mix;
        this.report = report;
    }

    private int perRun() {
        return Pacer.chunksPerRun(settings.sseRatePerRun(), settings.liveWarmup().plus(settings.liveMeasure()));
    }

    public void run() throws InterruptedException {
        ObjectNode details = report.details("sse");
        int readers = settings.sseSubscribers();
        int runs = settings.sseRuns();
        String prefix = "bench-sse";
        RunstreamConfig config = env.config(prefix, Map.of());
        List<String> runIds = new ArrayList<>();
        List<Chunk> deltas = new ArrayList<>();
        LiveRecorder recorder = new LiveRecorder(runs, perRun(), readers);
        SseBridgeHandle.Measure base;
        SseBridgeHandle.Measure held;
        SseBridgeHandle.Measure idle;
        SseBridgeHandle.Measure loaded;
        double loadCpuCores;
        long heldReaders;
        try (KafkaRunPublisher publisher = new KafkaRunPublisher(config, env.registry())) {
            CompletableFuture<?>[] first = new CompletableFuture<?>[runs];
            for (int r = 0; r < runs; r++) {
                String runId = ChunkMix.runId(r);
                runIds.add(runId);
                deltas.add(mix.textDeltaFor(runId));
                first[r] = publisher.accept(runId, mix.startFor(runId)).toCompletableFuture();
            }
            CompletableFuture.allOf(first).join();
            try (SseBridgeHandle bridge = SseBridgeHandle.start(HEAP, env.bootstrapServers(), prefix,
                    "bench._schemas")) {
                base = bridge.measure();
                try (SseClients clients = new SseClients()) {
                    long opening = System.nanoTime();
                    clients.open(bridge.port(), runIds, readers, recorder, MAX_OPENING);
                    boolean allReady = recorder.awaitReady(300, TimeUnit.SECONDS);
                    details.put("openSeconds", (System.nanoTime() - opening) / 1e9).put("allReady", allReady)
                            .put("failedRequests", clients.failures());
                    heldReaders = readers - recorder.readersNotReady();
                    held = bridge.measure();
                    Thread.sleep(settings.sseIdle().toMillis());
                    idle = bridge.measure();

                    long start = System.nanoTime() + 100_000_000L;
                    recorder.measureFrom(start + settings.liveWarmup().toNanos());
                    long[] cpu = new long[2];
                    MachineCpu[] machine = new MachineCpu[2];
                    Thread cpuProbe = Thread.ofPlatform().name("bench-sse-cpu").start(() -> {
                        sleepUntil(start + settings.liveWarmup().toNanos());
                        cpu[0] = bridge.cpuNanos();
                        machine[0] = MachineCpu.now();
                        sleepUntil(start + settings.liveWarmup().plus(settings.liveMeasure()).toNanos());
                        cpu[1] = bridge.cpuNanos();
                        machine[1] = MachineCpu.now();
                    });
                    Pacer.Outcome outcome = Pacer.run(runs, settings.sseRatePerRun(),
                            settings.liveWarmup().plus(settings.liveMeasure()), start, (run, k, scheduled) -> {
                                recorder.scheduled(run, k, scheduled);
                                publisher.accept(runIds.get(run), deltas.get(run));
                            });
                    cpuProbe.join();
                    loadCpuCores = (cpu[1] - cpu[0]) / (double) settings.liveMeasure().toNanos();
                    details.put("machineBusyWhileLoaded", machine[1].machineBusySince(machine[0]))
                            .put("benchmarkJvmCoresWhileLoaded", machine[1].processCoresSince(machine[0]));
                    boolean finished = recorder.awaitFinished(60, TimeUnit.SECONDS);
                    loaded = bridge.measure();
                    details.put("pacerMaxLatenessMs", outcome.maxLatenessMs())
                            .put("unfinishedReaders", finished ? 0 : recorder.unfinishedReaders())
                            .put("errorEvents", clients.errorEvents());
                }
            }
        }
        env.deleteTopics(prefix);
        Latencies raw = rawFanIn(runs);

        double idleCores = (idle.cpuNanos() - held.cpuAfterNanos()) / (double) (idle.atNanos() - held.atNanos());
        double perThousand = readers / 1000.0;
        double eventsPerSecond = (double) readers * settings.sseRatePerRun();
        details.put("readers", readers).put("runs", runs).put("heldReaders", heldReaders)
                .put("heapBaselineMb", base.heapAfterGcBytes() / 1e6).put("heapHeldMb", held.heapAfterGcBytes() / 1e6)
                .put("heapAfterLoadMb", loaded.heapAfterGcBytes() / 1e6)
                .put("heapPerReaderKb", (held.heapAfterGcBytes() - base.heapAfterGcBytes()) / 1e3 / readers)
                .put("bridgeThreadsHeld", held.threads()).put("bridgeFollowersHeld", held.followers())
                .put("idleCpuCores", idleCores).put("loadCpuCores", loadCpuCores)
                .put("sseEventsPerSecond", eventsPerSecond);
        details.set("latency", recorder.latencies().toJson());
        details.set("rawFanInLatency", raw.toJson());

        String held1g = "SSE readers held, bridge -Xmx" + HEAP;
        report.add(Figure.withoutAnchor(held1g, "readers", heldReaders, Target.atLeast(10_000), readers
                + " opened over " + runs + " runs; bridge in its own JVM"));
        report.add(Figure.withoutAnchor(held1g, "heap after GC MB", held.heapAfterGcBytes() / 1e6,
                Target.atMost(1024), String.format(java.util.Locale.ROOT, "%.0f MB with no reader; %.1f KB per reader",
                        base.heapAfterGcBytes() / 1e6,
                        (held.heapAfterGcBytes() - base.heapAfterGcBytes()) / 1e3 / readers)));
        report.add(Figure.withoutAnchor("SSE CPU per 1 000 readers", "% of a core, idle",
                100 * idleCores / perThousand, Target.none(), "heartbeats only, " + settings.sseIdle().toSeconds()
                        + " s"));
        report.add(Figure.withoutAnchor("SSE CPU per 1 000 readers", "% of a core, loaded",
                100 * loadCpuCores / perThousand, Target.none(), Math.round(eventsPerSecond) + " SSE events/s ("
                        + runs + " runs × " + settings.sseRatePerRun() + "/s, " + readers / runs + " readers each)"));
        String latency = "SSE latency writer → client, " + readers + " readers";
        report.add(Figure.of(latency, "p50 ms", recorder.latencies().percentileMillis(50), raw.percentileMillis(50),
                Target.none(), "anchor: raw producer → 2 shared raw consumers, same runs and rate"));
        report.add(Figure.of(latency, "p99 ms", recorder.latencies().percentileMillis(99), raw.percentileMillis(99),
                Target.none(), ""));
        report.add(Figure.of(latency, "p99.9 ms", recorder.latencies().percentileMillis(99.9),
                raw.percentileMillis(99.9), Target.none(), ""));
    }

    /** The anchor: raw producer → two raw consumers sharing every run topic, the same paced load. */
    private Latencies rawFanIn(int runs) throws InterruptedException {
        String prefix = "bench-sse-raw";
        RunstreamConfig config = env.config(prefix, Map.of());
        LiveRecorder recorder = new LiveRecorder(runs, perRun());
        ConfluentAvroSerde<ChunkRecord> serde = new ConfluentAvroSerde<>(ChunkRecord.class,
                ChunkRecord.getClassSchema(), env.registry());
        List<String> topics = new ArrayList<>();
        List<RawChunk> deltas = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            topics.add(config.topics().runTopic(ChunkMix.runId(r)));
        }
        env.createRunTopics(config, topics);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> consumers = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                BenchEnvironment.rawProducerProperties(config), new StringSerializer(), new ByteArraySerializer())) {
            for (int r = 0; r < runs; r++) {
                String runId = ChunkMix.runId(r);
                deltas.add(RawChunk.of(runId, 1, mix.textDeltaFor(runId), serde));
                producer.send(RawChunk.of(runId, 0, mix.startFor(runId), serde).toRecord(topics.get(r)));
            }
            producer.flush();
            for (int c = 0; c < 2; c++) {
                List<TopicPartition> own = new ArrayList<>();
                for (int r = c; r < runs; r += 2) {
                    own.add(new TopicPartition(topics.get(r), 0));
                }
                consumers.add(Thread.ofPlatform().name("bench-sse-raw-" + c).start(() -> {
                    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                            BenchEnvironment.rawConsumerProperties(config), new StringDeserializer(),
                            new ByteArrayDeserializer())) {
                        consumer.assign(own);
                        consumer.seekToBeginning(own);
                        while (!stop.get()) {
                            consumer.poll(POLL).forEach(record -> recorder.received(
                                    topics.indexOf(record.topic())));
                        }
                    }
                }));
            }
            if (!recorder.awaitReady(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the raw consumers did not read every run's first record");
            }
            long start = System.nanoTime() + 100_000_000L;
            recorder.measureFrom(start + settings.liveWarmup().toNanos());
            Pacer.run(runs, settings.sseRatePerRun(), settings.liveWarmup().plus(settings.liveMeasure()), start,
                    (run, k, scheduled) -> {
                        recorder.scheduled(run, k, scheduled);
                        producer.send(deltas.get(run).toRecord(topics.get(run)));
                    });
            recorder.awaitFinished(60, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            for (Thread consumer : consumers) {
                consumer.join(10_000);
            }
        }
        env.deleteTopics(prefix);
        return recorder.latencies();
    }

    private static void sleepUntil(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
