package dev.runstream.bridge.aggregate;

import static dev.runstream.bridge.aggregate.TopologyFixture.corpus;
import static dev.runstream.bridge.aggregate.TopologyFixture.expectedSummary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.subscribe.RunSummaryReader;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.testing.Corpus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A run whose writer goes silent is summarised as abandoned on the real broker, and resumes on a late chunk. */
@ExtendWith(EmbeddedKafkaExtension.class)
class RunAbandonIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    @Test
    void shouldSummariseASilentRunAsAbandonedAndResumeItWhenItsWriterComesBack(EmbeddedKafkaBroker broker) {
        RunstreamConfig config = new RunstreamConfig(Map.of(
                RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                RunstreamConfig.PREFIX_CONFIG, "abandon-it",
                RunstreamConfig.SOURCE_MODE_CONFIG, RunstreamConfig.SOURCE_MODE_INGEST,
                RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, 3,
                RunstreamConfig.INGEST_TOPIC_PARTITIONS_CONFIG, 3,
                RunstreamConfig.RUN_ABANDON_AFTER_MS_CONFIG, 2000L,
                "kafka.streams.state.dir", stateDir.toString()));
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        List<Chunk> silent = Corpus.chunksAs("agent-tool", "chunks.ndjson", "run-silent");
        int half = silent.size() / 2;
        try (RunAggregator aggregator = new RunAggregator(config, registry).start();
             KafkaRunPublisher publisher = new KafkaRunPublisher(config, registry)) {
            Corpus.chunksAs("agent-approval", "chunks.ndjson", "run-waiting")
                    .forEach(chunk -> publisher.accept("run-waiting", chunk).toCompletableFuture().join());
            silent.subList(0, half)
                    .forEach(chunk -> publisher.accept("run-silent", chunk).toCompletableFuture().join());

            await().atMost(PATIENCE).ignoreException(AggregatorUnavailableException.class).until(() ->
                    aggregator.summary("run-silent").filter(s -> s.status() == RunStatus.ABANDONED).isPresent());
            // The store has the change at once, run-summaries once the aggregator's transaction commits.
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(new RunSummaryReader(config, registry)
                    .summary("run-silent")).as("in run-summaries too").map(RunSummary::status)
                    .contains(RunStatus.ABANDONED));
            assertThat(aggregator.summary("run-waiting")).as("waits for a person: never abandoned")
                    .map(RunSummary::status).contains(RunStatus.SUSPENDED);

            silent.subList(half, silent.size())
                    .forEach(chunk -> publisher.accept("run-silent", chunk).toCompletableFuture().join());

            await().atMost(PATIENCE).ignoreException(AggregatorUnavailableException.class).until(() ->
                    aggregator.summary("run-silent").filter(s -> s.status() == RunStatus.SUCCESS).isPresent());
            RunSummary finished = aggregator.summary("run-silent").orElseThrow();
            RunSummary expected = expectedSummary("run-silent", corpus("agent-tool", "chunks.ndjson", "run-silent", 0));
            assertThat(finished.usage().toJson()).as("usage counted once").isEqualTo(expected.usage().toJson());
            assertThat(finished.text()).isEqualTo(expected.text());
            assertThat(finished.chunkCount()).isEqualTo(silent.size());
        }
    }
}
