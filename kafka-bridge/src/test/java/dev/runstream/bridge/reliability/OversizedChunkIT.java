package dev.runstream.bridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.json.Json;
import dev.runstream.core.testing.Corpus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A chunk too large for a Kafka request, handed over among other runs' chunks: it fails, and its run with it until
 * resumed, but the runs written in the same batch (the same transaction) are stored as if it had not been there.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class OversizedChunkIT {

    private static final int RUNS = 10;

    private final String bootstrap;

    OversizedChunkIT(EmbeddedKafkaBroker broker) {
        this.bootstrap = broker.bootstrapServers();
    }

    @Test
    void shouldFailOnlyTheOversizedChunksRunAndStoreTheOthersOfItsBatch() throws Exception {
        String prefix = "rel-oversized-" + Long.toHexString(System.nanoTime());
        RunstreamConfig config = new RunstreamConfig(Map.of(RunstreamConfig.PREFIX_CONFIG, prefix,
                RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                // The batch waits a little, so that every run's chunks share transactions with the big one.
                "kafka.producer.linger.ms", 50));
        SchemaRegistryClient registry = new InMemorySchemaRegistry();
        Map<String, List<Chunk>> runs = new java.util.LinkedHashMap<>();
        for (int i = 0; i < RUNS; i++) {
            runs.put("run-" + i, Corpus.chunksAs("agent-text", "chunks.ndjson", "run-" + i));
        }
        ObjectNode big = Json.object();
        big.put("type", "tool-result").put("runId", "run-3").put("from", "AGENT");
        big.putObject("payload").put("toolCallId", "c1").put("toolName", "dump").put("result", "x".repeat(2_000_000));
        Map<String, List<CompletableFuture<Long>>> stages = new java.util.LinkedHashMap<>();
        try (KafkaRunPublisher publisher = new KafkaRunPublisher(config, registry)) {
            int length = runs.get("run-0").size();
            for (int i = 0; i < length; i++) {
                for (Map.Entry<String, List<Chunk>> run : runs.entrySet()) {
                    Chunk chunk = run.getKey().equals("run-3") && i == 2 ? Chunk.of(big) : run.getValue().get(i);
                    stages.computeIfAbsent(run.getKey(), key -> new ArrayList<>())
                            .add(publisher.accept(run.getKey(), chunk).toCompletableFuture());
                }
            }
            publisher.flush();
        }
        for (Map.Entry<String, List<CompletableFuture<Long>>> run : stages.entrySet()) {
            List<CompletableFuture<Long>> runStages = run.getValue();
            if (run.getKey().equals("run-3")) {
                assertThat(runStages.subList(0, 2)).allSatisfy(stage -> assertThat(stage)
                        .succeedsWithin(Duration.ofSeconds(30)));
                assertThat(runStages.get(2)).failsWithin(Duration.ofSeconds(30))
                        .withThrowableOfType(Exception.class).withMessageContaining("too large");
                assertThat(runStages.subList(3, runStages.size())).as("run-3 after its failed chunk")
                        .allSatisfy(stage -> assertThat(stage).failsWithin(Duration.ofSeconds(30)));
            } else {
                List<Long> sequences = runStages.stream().map(stage -> {
                    try {
                        return stage.join();
                    } catch (CompletionException e) {
                        throw new AssertionError("a chunk of " + run.getKey() + " failed: " + e.getCause(), e);
                    }
                }).toList();
                assertThat(sequences).isEqualTo(java.util.stream.LongStream.range(0, sequences.size()).boxed()
                        .toList());
            }
        }
        StoredRuns stored = new StoredRuns(bootstrap, registry);
        for (Map.Entry<String, List<Chunk>> run : runs.entrySet()) {
            List<Chunk> expected = run.getKey().equals("run-3") ? run.getValue().subList(0, 2) : run.getValue();
            stored.assertStoredExactlyOnce(config.topics().runTopic(run.getKey()), run.getKey(), expected);
        }
    }
}
