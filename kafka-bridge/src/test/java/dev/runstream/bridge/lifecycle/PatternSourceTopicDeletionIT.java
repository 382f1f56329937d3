package dev.runstream.bridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runstream.bridge.aggregate.AggregatorUnavailableException;
import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures (prints; timings are never asserted) what deleting a run topic under the aggregator's pattern source
 * does to the other runs: how long until a chunk written to another run after the deletion is aggregated. This is
 * why topic deletion is only offered in the ingest source mode. The test asserts only that processing recovers.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PatternSourceTopicDeletionIT {

    @TempDir
    Path dir;

    @Test
    void shouldRecoverAfterARunTopicIsDeletedUnderThePatternSourceAndReportTheStall(EmbeddedKafkaBroker broker)
            throws Exception {
        RunstreamConfig config = new RunstreamConfig(Map.of(
                RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                RunstreamConfig.PREFIX_CONFIG, "stall",
                RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, 2,
                "kafka.streams.state.dir", Files.createTempDirectory(dir, "streams").toString()));
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        try (RunAggregator aggregator = new RunAggregator(config, registry).start();
             KafkaRunPublisher publisher = new KafkaRunPublisher(config, registry);
             Admin admin = Admin.create(config.clientProperties("admin"))) {
            List<Chunk> doomed = Corpus.chunksAs("agent-text", "chunks.ndjson", "doomed");
            List<Chunk> other = Corpus.chunksAs("agent-text", "chunks.ndjson", "other");
            doomed.forEach(chunk -> publisher.accept("doomed", chunk).toCompletableFuture().join());
            other.subList(0, 4).forEach(chunk -> publisher.accept("other", chunk).toCompletableFuture().join());
            await().atMost(Duration.ofSeconds(60)).ignoreException(AggregatorUnavailableException.class)
                    .until(() -> aggregator.summary("doomed").filter(s -> s.status() == RunStatus.SUCCESS).isPresent()
                            && aggregator.summary("other").filter(s -> s.chunkCount() == 4).isPresent());

            admin.deleteTopics(List.of(config.topics().runTopic("doomed"))).all().get();
            long deletedAt = System.nanoTime();
            other.subList(4, other.size()).forEach(chunk -> publisher.accept("other", chunk).toCompletableFuture().join());
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(100))
                    .ignoreException(AggregatorUnavailableException.class)
                    .until(() -> aggregator.summary("other").filter(s -> s.status() == RunStatus.SUCCESS).isPresent());
            long stallMs = (System.nanoTime() - deletedAt) / 1_000_000;
            System.out.printf("MEASURED pattern source, run topic deleted: another run's next chunks aggregated "
                    + "after %d ms%n", stallMs);
            assertThat(aggregator.summary("other").orElseThrow().text()).isEqualTo("The capital of France is Paris.");
        }
    }
}
