package dev.runstream.bridge.subscribe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.MastraChunkCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Live fan-out on the real broker: shared consumers, the bounded window, catch-up and cutting slow followers. */
@ExtendWith(EmbeddedKafkaExtension.class)
class LiveRunFanoutIT {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final RunstreamConfig config;
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final KafkaRunPublisher publisher;

    LiveRunFanoutIT(EmbeddedKafkaBroker broker) {
        this.config = new RunstreamConfig(Map.of(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                RunstreamConfig.PREFIX_CONFIG, "fanout" + PREFIXES.incrementAndGet()));
        this.publisher = new KafkaRunPublisher(config, registry);
    }

    @AfterEach
    void close() {
        publisher.close();
    }

    @Test
    void shouldServeAHundredFollowersOfTwentyRunsFromTwoSharedConsumers() throws Exception {
        try (LiveRunFanout fanout = new LiveRunFanout(config, registry, runId -> java.util.Optional.empty(), 2, 1000, Duration.ofSeconds(1))) {
            List<RunFollower> followers = new ArrayList<>();
            for (int run = 0; run < 20; run++) {
                for (int reader = 0; reader < 5; reader++) {
                    followers.add(fanout.follow("fan-" + run, 0));
                }
            }
            List<CompletableFuture<List<Long>>> reads = followers.stream()
                    .map(follower -> CompletableFuture.supplyAsync(() -> readAll(follower, 30))).toList();
            for (int run = 0; run < 20; run++) {
                for (Chunk chunk : textRun(30)) {
                    publisher.accept("fan-" + run, chunk);
                }
            }
            for (CompletableFuture<List<Long>> read : reads) {
                assertThat(read.get()).containsExactlyElementsOf(sequences(0, 30));
            }
            assertThat(fanout.followers()).isEqualTo(100);
            assertThat(Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().startsWith("runstream-fanout-")).count())
                    .as("one thread and consumer per configured fan-out consumer, however many followers")
                    .isEqualTo(2);
            followers.forEach(RunFollower::close);
            assertThat(fanout.followers()).isZero();
        }
    }

    @Test
    void shouldLoseNoChunkWhileManyRunsAreFollowedAtOnce() throws Exception {
        // Each follow() wakes the shared consumer up. A wakeup that struck between a poll and the hand-over of what
        // it returned lost those chunks: 200 of 10 000 SSE readers over 1 000 runs waited for a first chunk forever
        // (the SSE benchmark, --set=sseRuns=1000). The race needs a partition still awaiting its offset reset at that
        // moment; this test does not hit it every time, the benchmark did, twice in two runs.
        int runs = 400;
        List<CompletableFuture<?>> written = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            for (Chunk chunk : textRun(3)) {
                written.add(publisher.accept("many-" + run, chunk).toCompletableFuture());
            }
        }
        CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).join();
        try (LiveRunFanout fanout = new LiveRunFanout(config, registry, runId -> java.util.Optional.empty(), 2, 1000, Duration.ofSeconds(30));
                var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<List<Long>>> reads = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                String runId = "many-" + run;
                reads.add(threads.submit(() -> {
                    try (RunFollower follower = fanout.follow(runId, 0)) {
                        return readAll(follower, 3);
                    }
                }));
            }
            int complete = 0;
            for (java.util.concurrent.Future<List<Long>> read : reads) {
                if (read.get().equals(sequences(0, 3))) {
                    complete++;
                }
            }
            assertThat(complete).as("runs whose follower got all 3 chunks").isEqualTo(runs);
        }
    }

    @Test
    void shouldCutAFollowerThatFallsOutOfTheWindowAndLetItResume() throws Exception {
        try (LiveRunFanout fanout = new LiveRunFanout(config, registry, runId -> java.util.Optional.empty(), 1, 16, Duration.ofSeconds(1))) {
            RunFollower slow = fanout.follow("slow", 0);
            List<Chunk> chunks = textRun(200);
            publisher.accept("slow", chunks.get(0)).toCompletableFuture().join();
            assertThat(slow.next(1, Duration.ofSeconds(30))).extracting(LiveChunk::sequence).containsExactly(0L);
            for (Chunk chunk : chunks.subList(1, chunks.size())) {
                publisher.accept("slow", chunk);
            }
            publisher.flush();
            assertThat(slow.endedBeforeNow(Duration.ofSeconds(30))).as("the whole run has been read").isTrue();

            assertThatThrownBy(() -> {
                for (int i = 0; i < 1000; i++) {
                    slow.next(1, Duration.ofMillis(100));
                }
            }).isInstanceOf(FollowerTooSlowException.class)
                    .satisfies(e -> assertThat(((FollowerTooSlowException) e).nextSequence()).isEqualTo(1));

            try (RunFollower resumed = fanout.follow("slow", 1)) {
                assertThat(readAll(resumed, 199)).containsExactlyElementsOf(sequences(1, 200));
            }
            slow.close();
        }
    }

    @Test
    void shouldServeAFollowerThatStartsBeforeTheWindowFromTheTopic() throws Exception {
        try (LiveRunFanout fanout = new LiveRunFanout(config, registry, runId -> java.util.Optional.empty(), 1, 16, Duration.ofSeconds(30))) {
            for (Chunk chunk : textRun(100)) {
                publisher.accept("long", chunk);
            }
            publisher.flush();
            try (RunFollower first = fanout.follow("long", 0)) {
                assertThat(readAll(first, 100)).containsExactlyElementsOf(sequences(0, 100));
                assertThat(first.endedBeforeNow(Duration.ofSeconds(30))).isTrue();
            }
            try (RunFollower late = fanout.follow("long", 0)) {
                assertThat(readAll(late, 100)).containsExactlyElementsOf(sequences(0, 100));
            }
        }
    }

    private static List<Long> readAll(RunFollower follower, int count) {
        List<Long> sequences = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try {
            while (sequences.size() < count && System.nanoTime() < deadline) {
                follower.next(64, Duration.ofSeconds(1)).forEach(chunk -> sequences.add(chunk.sequence()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sequences;
    }

    private static List<Long> sequences(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    private static List<Chunk> textRun(int size) {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < size - 1; i++) {
            chunks.add(MastraChunkCodec.decode("{\"type\":\"text-delta\",\"payload\":{\"id\":\"t\",\"text\":\"w" + i
                    + " \"}}"));
        }
        chunks.add(MastraChunkCodec.decode("{\"type\":\"finish\",\"payload\":{\"stepResult\":{\"reason\":\"stop\"}}}"));
        return chunks;
    }
}
