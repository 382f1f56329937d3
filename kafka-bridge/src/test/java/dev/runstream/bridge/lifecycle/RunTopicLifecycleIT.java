package dev.runstream.bridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runstream.bridge.aggregate.AggregatorUnavailableException;
import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.subscribe.RunSubscriber;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Finished runs' topics are deleted after a grace time, in the ingest mode only; replay still finds their chunks. */
@ExtendWith(EmbeddedKafkaExtension.class)
class RunTopicLifecycleIT {

    @TempDir
    Path dir;

    private Map<String, Object> settings(EmbeddedKafkaBroker broker, String prefix) throws Exception {
        Map<String, Object> settings = new HashMap<>();
        settings.put(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        settings.put(RunstreamConfig.PREFIX_CONFIG, prefix);
        settings.put(RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, 3);
        settings.put(RunstreamConfig.INGEST_TOPIC_PARTITIONS_CONFIG, 3);
        settings.put("kafka.streams.state.dir", Files.createTempDirectory(dir, "streams").toString());
        return settings;
    }

    @Test
    void shouldRefuseTopicDeletionUnderThePatternSource(EmbeddedKafkaBroker broker) throws Exception {
        Map<String, Object> settings = settings(broker, "lifecycle-pattern");
        settings.put(RunstreamConfig.RUN_TOPIC_DELETE_AFTER_MS_CONFIG, 0L);
        assertThatThrownBy(() -> new RunstreamConfig(settings)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("source.mode=ingest");
    }

    @Test
    void shouldDeleteAFinishedRunsTopicAndStillReplayItFromTheChangelog(EmbeddedKafkaBroker broker) throws Exception {
        Map<String, Object> settings = settings(broker, "lifecycle");
        settings.put(RunstreamConfig.SOURCE_MODE_CONFIG, RunstreamConfig.SOURCE_MODE_INGEST);
        settings.put(RunstreamConfig.RUN_TOPIC_DELETE_AFTER_MS_CONFIG, 0L);
        settings.put(RunstreamConfig.RUN_TOPIC_REAP_INTERVAL_MS_CONFIG, 3_600_000L);
        RunstreamConfig config = new RunstreamConfig(settings);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        try (RunAggregator aggregator = new RunAggregator(config, registry).start();
             KafkaRunPublisher publisher = new KafkaRunPublisher(config, registry);
             Admin admin = Admin.create(config.clientProperties("admin"));
             RunTopicReaper reaper = new RunTopicReaper(config, aggregator, admin, Clock.systemUTC())) {
            List<Chunk> finished = Corpus.chunksAs("agent-tool", "chunks.ndjson", "done-run");
            List<Chunk> running = Corpus.chunksAs("agent-tool", "chunks.ndjson", "live-run").subList(0, 5);
            finished.forEach(chunk -> publisher.accept("done-run", chunk).toCompletableFuture().join());
            running.forEach(chunk -> publisher.accept("live-run", chunk).toCompletableFuture().join());
            await().atMost(Duration.ofSeconds(60)).ignoreException(AggregatorUnavailableException.class)
                    .until(() -> aggregator.summary("done-run")
                    .filter(s -> s.status() == RunStatus.SUCCESS).isPresent()
                    && aggregator.summary("live-run").filter(s -> s.chunkCount() == 5).isPresent());

            assertThat(reaper.reapOnce()).containsExactly(config.topics().runTopic("done-run"));
            await().atMost(Duration.ofSeconds(30)).until(() -> !admin.listTopics().names().get()
                    .contains(config.topics().runTopic("done-run")));
            assertThat(admin.listTopics().names().get()).contains(config.topics().runTopic("live-run"));

            List<StoredChunk> replayed = new RunSubscriber(config, registry).replay("done-run", false);
            assertThat(replayed).extracting(StoredChunk::sequence).containsExactlyElementsOf(
                    java.util.stream.LongStream.range(0, finished.size()).filter(i -> i != 9).boxed().toList());
            assertThat(aggregator.summary("done-run").orElseThrow().text()).isEqualTo("It is 21°C and sunny in Paris.");
        }
    }
}
