package dev.runstream.benchmarks.kafka;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.benchmarks.BenchEnvironment;
import dev.runstream.benchmarks.BenchSettings;
import dev.runstream.benchmarks.load.ChunkMix;
import dev.runstream.benchmarks.report.Figure;
import dev.runstream.benchmarks.report.Latencies;
import dev.runstream.benchmarks.report.Report;
import dev.runstream.benchmarks.report.Target;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.subscribe.RunSubscriber;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Replay: {@code RunSubscriber.replay(runId, true)} of a finished run (decoded chunks, transient included) against a
 * raw {@code KafkaConsumer} with the same settings reading the same topic from its start to its end offset (records
 * not decoded). Both sides make their consumer inside the timed section, as {@code replay} does on every call, and
 * close it without waiting for the fetch it has in flight past the end (no group, nothing to commit). Two
 * runs: a long one ({@code replayChunks} chunks, for throughput) and one the corpus's length (the mix, for the time
 * a typical replay takes). The sides alternate; the best long replay and the median short one are reported.
 */
public final class ReplayThroughput {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final int SHORT_ROUNDS = 20;

    private final BenchEnvironment env;
    private final BenchSettings settings;
    private final ChunkMix mix;
    private final Report report;

    public ReplayThroughput(BenchEnvironment env, BenchSettings settings, ChunkMix mix, Report report) {
        this.env = env;
        this.settings = settings;
        this.mix = mix;
        this.report = report;
    }

    public void run() {
        String prefix = "bench-replay";
        RunstreamConfig config = env.config(prefix, Map.of());
        String longRun = ChunkMix.runId(0);
        String shortRun = ChunkMix.runId(1);
        int shortChunks = mix.size() + 1;
        try (KafkaRunPublisher publisher = new KafkaRunPublisher(config, env.registry())) {
            write(publisher, longRun, settings.replayChunks());
            write(publisher, shortRun, shortChunks);
        }
        ObjectNode details = report.details("replay");
        try (RunSubscriber subscriber = new RunSubscriber(config, env.registry())) {
            String longTopic = config.topics().runTopic(longRun);
            replayOnce(subscriber, longRun, settings.replayChunks());
            rawOnce(config, longTopic, settings.replayChunks());
            double bestRunstream = 0;
            double bestRaw = 0;
            ArrayNode rounds = details.putArray("longRunRounds");
            for (int round = 0; round < settings.replayRounds(); round++) {
                double rs = replayOnce(subscriber, longRun, settings.replayChunks());
                double rw = rawOnce(config, longTopic, settings.replayChunks());
                rounds.addObject().put("runstreamSeconds", rs).put("rawSeconds", rw);
                bestRunstream = Math.max(bestRunstream, settings.replayChunks() / rs);
                bestRaw = Math.max(bestRaw, settings.replayChunks() / rw);
            }
            Latencies shortRunstream = new Latencies();
            Latencies shortRaw = new Latencies();
            String shortTopic = config.topics().runTopic(shortRun);
            for (int round = 0; round < SHORT_ROUNDS; round++) {
                shortRunstream.recordNanos((long) (replayOnce(subscriber, shortRun, shortChunks) * 1e9));
                shortRaw.recordNanos((long) (rawOnce(config, shortTopic, shortChunks) * 1e9));
            }
            details.put("longRunChunks", settings.replayChunks()).put("runstreamChunksPerSecond", bestRunstream)
                    .put("rawChunksPerSecond", bestRaw).put("shortRunChunks", shortChunks);
            details.set("shortRunRunstream", shortRunstream.toJson());
            details.set("shortRunRaw", shortRaw.toJson());
            report.add(Figure.of("replay, run of " + settings.replayChunks() + " chunks", "chunks/s", bestRunstream,
                    bestRaw, Target.none(), "best of " + settings.replayRounds() + "; Runstream decodes every "
                            + "chunk, raw reads the records' bytes"));
            report.add(Figure.of("replay, run of " + shortChunks + " chunks", "p50 ms",
                    shortRunstream.percentileMillis(50), shortRaw.percentileMillis(50), Target.none(),
                    SHORT_ROUNDS + " replays; consumer creation included on both sides"));
        }
        env.deleteTopics(prefix);
    }

    private void write(KafkaRunPublisher publisher, String runId, int count) {
        List<Chunk> chunks = mix.chunksFor(runId);
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Chunk chunk = i == count - 1 ? mix.finishFor(runId) : chunks.get(i % chunks.size());
            writes.add(publisher.accept(runId, chunk).toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    }

    private static double replayOnce(RunSubscriber subscriber, String runId, int expected) {
        long begin = System.nanoTime();
        List<StoredChunk> chunks = subscriber.replay(runId, true);
        double seconds = (System.nanoTime() - begin) / 1e9;
        if (chunks.size() != expected) {
            throw new IllegalStateException("replay of " + runId + " gave " + chunks.size() + " chunks, not "
                    + expected);
        }
        return seconds;
    }

    private static double rawOnce(RunstreamConfig config, String topic, int expected) {
        long begin = System.nanoTime();
        TopicPartition partition = new TopicPartition(topic, 0);
        int read = 0;
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(BenchEnvironment.rawConsumerProperties(config),
                new StringDeserializer(), new ByteArrayDeserializer());
        try {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() < end && record.value() != null) {
                        read++;
                    }
                }
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        if (read != expected) {
            throw new IllegalStateException("raw replay of " + topic + " read " + read + " records, not " + expected);
        }
        return seconds;
    }
}
