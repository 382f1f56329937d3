package dev.runstream.bridge.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.node.internal.AggregatedRuns;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.subscribe.RunSubscriber;
import dev.runstream.bridge.subscribe.RunSummaryReader;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.testing.Corpus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbering of the shared layout when a run goes on on another publisher at once, while the aggregator has not
 * folded its first chunks yet: the next publisher must find them in the unfolded tail of {@code {prefix}.runs} (or of
 * {@code {prefix}.chunks}), not number from the summary, which does not count them yet.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class SharedRunNumberingIT {

    private static final int RUNS = 16;

    @TempDir
    Path state;

    @Test
    void shouldNumberOnFromChunksTheAggregatorHasNotFoldedYet(EmbeddedKafkaBroker broker) throws Exception {
        RunstreamConfig config = new RunstreamConfig(Map.of(
                RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                RunstreamConfig.PREFIX_CONFIG, "shared-numbering",
                RunstreamConfig.RUN_LAYOUT_CONFIG, RunstreamConfig.RUN_LAYOUT_SHARED,
                RunstreamConfig.RUNS_TOPIC_PARTITIONS_CONFIG, 3,
                RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, 2,
                // Summaries come late: the second leg is written while the first is not folded yet.
                RunstreamConfig.AGGREGATOR_COMMIT_INTERVAL_MS_CONFIG, 1500,
                "kafka.streams.state.dir", state.toString()));
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        try (RunAggregator aggregator = new RunAggregator(config, registry).start()) {
            AggregatedRuns history = new AggregatedRuns(aggregator, new RunSummaryReader(config, registry));
            await().atMost(Duration.ofSeconds(60)).until(() -> aggregator.holds("probe"));
            List<String> runIds = new ArrayList<>();
            try (KafkaRunPublisher first = new KafkaRunPublisher(config, registry, history, Clock.systemUTC());
                 KafkaRunPublisher second = new KafkaRunPublisher(config, registry, history, Clock.systemUTC())) {
                for (int i = 0; i < RUNS; i++) {
                    String runId = "leg-" + i;
                    runIds.add(runId);
                    List<Chunk> legOne = Corpus.chunksAs("agent-approval", "chunks.ndjson", runId);
                    List<Chunk> legTwo = Corpus.chunksAs("agent-approval", "resumed.ndjson", runId);
                    // Every other run alternates which publisher starts, so that both meet runs the other wrote.
                    KafkaRunPublisher a = i % 2 == 0 ? first : second;
                    KafkaRunPublisher b = i % 2 == 0 ? second : first;
                    assertThat(publish(a, runId, legOne))
                            .containsExactlyElementsOf(LongStream.range(0, legOne.size()).boxed().toList());
                    assertThat(publish(b, runId, legTwo)).as("run %s's second leg, on the other publisher", runId)
                            .containsExactlyElementsOf(LongStream.range(legOne.size(),
                                    legOne.size() + legTwo.size()).boxed().toList());
                }
            }
            RunSubscriber subscriber = new RunSubscriber(config, registry);
            for (String runId : runIds) {
                int total = Corpus.chunksAs("agent-approval", "chunks.ndjson", runId).size()
                        + Corpus.chunksAs("agent-approval", "resumed.ndjson", runId).size();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(subscriber.replay(runId, true))
                        .extracting(StoredChunk::sequence)
                        .containsExactlyElementsOf(LongStream.range(0, total).boxed().toList()));
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(aggregator.summary(runId))
                        .hasValueSatisfying(summary -> assertThat(summary.lastSequence()).isEqualTo(total - 1)));
            }
            subscriber.close();
        }
    }

    private static List<Long> publish(KafkaRunPublisher into, String runId, List<Chunk> chunks) {
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        for (Chunk chunk : chunks) {
            acks.add(into.accept(runId, chunk).toCompletableFuture());
        }
        return acks.stream().map(CompletableFuture::join).toList();
    }
}
