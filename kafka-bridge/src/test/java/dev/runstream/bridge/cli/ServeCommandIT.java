package dev.runstream.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.bridge.broker.RunLayouts;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunSummaryJson;
import dev.runstream.core.testing.Corpus;
import dev.runstream.core.testing.JsonEquality;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CLI end to end, as a user runs it: {@code serve} on its embedded broker in one "terminal", the other commands
 * in another, finding it through {@code connection.properties}; then {@code serve} restarted on the same data dir.
 */
@ParameterizedClass(name = "[{0}]")
@ValueSource(strings = {RunLayouts.TOPIC_PER_RUN, RunLayouts.SHARED})
class ServeCommandIT {

    @Parameter
    String layout;

    @TempDir
    Path dir;

    /** {@code serve} running on a thread of this JVM, stopped by interrupting it. */
    private final class Serve {
        private final Thread thread;
        private final CompletableFuture<CliRun> result = new CompletableFuture<>();
        private final String registryUrl;

        Serve() throws IOException {
            Files.deleteIfExists(dir.resolve("data").resolve(ConnectionOptions.CONNECTION_FILE));
            thread = Thread.ofPlatform().start(() -> result.complete(CliRun.of("serve", "--data-dir", data(),
                    "--kafka-port", "0", "--port", "0", "--config", "aggregator.commit.interval.ms=100",
                    "--config", "run.cancel.grace.ms=1000", "--config", "run.layout=" + layout)));
            await().atMost(Duration.ofSeconds(60)).until(() -> result.isDone()
                    || Files.exists(dir.resolve("data").resolve(ConnectionOptions.CONNECTION_FILE)));
            assertThat(result).as("serve exited early: %s", result.getNow(null)).isNotDone();
            java.util.Properties connection = new java.util.Properties();
            try (var reader = Files.newBufferedReader(dir.resolve("data").resolve(ConnectionOptions.CONNECTION_FILE))) {
                connection.load(reader);
            }
            registryUrl = connection.getProperty("schema.registry.url");
            assertThat(registryUrl).as("serve's own registry API").matches("http://127\\.0\\.0\\.1:\\d+/registry");
        }

        void stop() throws Exception {
            thread.interrupt();
            CliRun run = result.get(60, TimeUnit.SECONDS);
            assertThat(run.err()).doesNotContain("Exception");
            assertThat(run.out()).contains("Schema registry: " + registryUrl);
        }

        /** The subjects of serve's registry API, the one the other commands used through connection.properties. */
        JsonNode subjects() throws Exception {
            try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
                return Corpus.parse(http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(registryUrl + "/subjects")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            }
        }
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static JsonNode expectedSummary(String scenario, String runId) {
        RunFold.Accumulator fold = RunFold.accumulator(runId);
        Corpus.stored(Corpus.chunksAs(scenario, "chunks.ndjson", runId), 0).forEach(stored ->
                fold.accept(new dev.runstream.core.chunk.StoredChunk(runId, stored.sequence(), stored.timestamp(),
                        stored.chunk())));
        return RunSummaryJson.toJson(fold.summary());
    }

    @Test
    void shouldPublishTailReplayAndSummarizeEveryScenarioAndKeepThemAcrossARestart() throws Exception {
        List<String> runIds = new ArrayList<>();
        Serve serve = new Serve();
        try {
            for (String scenario : Corpus.SCENARIOS) {
                String runId = "cli-" + scenario;
                runIds.add(runId);
                String text = Corpus.text(scenario, "chunks.ndjson").replace(Corpus.RUN_ID, runId);
                CompletableFuture<CliRun> tail = CompletableFuture.supplyAsync(
                        () -> CliRun.of("tail", "--data-dir", data(), runId));
                Thread.sleep(300);
                CliRun publish = CliRun.of("publish", "--data-dir", data(), "--run-id", runId,
                        file(runId + ".ndjson", text).toString());
                assertThat(publish.exitCode()).as(publish.err()).isZero();
                List<String> sent = Corpus.lines(scenario, "chunks.ndjson");
                CliRun tailed = tail.get(60, TimeUnit.SECONDS);
                assertThat(tailed.exitCode()).as(tailed.err()).isZero();
                assertThat(tailed.outLines()).hasSameSizeAs(sent);
                for (int i = 0; i < sent.size(); i++) {
                    assertThat(JsonEquality.equal(Corpus.parse(tailed.outLines().get(i)),
                            Corpus.parse(sent.get(i).replace(Corpus.RUN_ID, runId)))).as("tail line %d", i).isTrue();
                }
                List<Chunk> persisted = Corpus.chunksAs(scenario, "chunks.ndjson", runId).stream()
                        .filter(chunk -> !chunk.isTransient()).toList();
                CliRun replay = CliRun.of("replay", "--data-dir", data(), runId);
                assertThat(replay.outLines()).hasSameSizeAs(persisted);
            }
            assertThat(serve.subjects().toString()).contains("dev.runstream.avro.ChunkRecord",
                    "dev.runstream.avro.RunSummary");
            for (String runId : runIds) {
                String scenario = runId.substring("cli-".length());
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    CliRun summary = CliRun.of("summary", "--data-dir", data(), runId);
                    assertThat(summary.exitCode()).as(summary.err()).isZero();
                    assertSameSummary(Corpus.parse(summary.out()), expectedSummary(scenario, runId));
                });
            }
        } finally {
            serve.stop();
        }
        Serve restarted = new Serve();
        try {
            CliRun runs = CliRun.of("runs", "--data-dir", data());
            assertThat(runs.exitCode()).as(runs.err()).isZero();
            assertThat(runs.outLines().stream().map(line -> Corpus.parse(line).get("runId").textValue()))
                    .containsExactlyInAnyOrderElementsOf(runIds);
            for (String runId : runIds) {
                assertSameSummary(Corpus.parse(CliRun.of("summary", "--data-dir", data(), runId).out()),
                        expectedSummary(runId.substring(4), runId));
                assertThat(CliRun.of("replay", "--data-dir", data(), runId).exitCode()).isZero();
            }
        } finally {
            restarted.stop();
        }
    }

    @Test
    void shouldCancelARunFromTheCliAndHaveServeEndItWhenItsWriterIsGone() throws Exception {
        Serve serve = new Serve();
        try {
            String runId = "cli-cancel";
            List<String> lines = Corpus.text("agent-text", "chunks.ndjson").replace(Corpus.RUN_ID, runId).lines()
                    .limit(4).toList();
            CliRun publish = CliRun.of("publish", "--data-dir", data(), "--run-id", runId,
                    file(runId + ".ndjson", String.join("\n", lines) + "\n").toString());
            assertThat(publish.exitCode()).as(publish.err()).isZero();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                    CliRun.of("summary", "--data-dir", data(), runId).exitCode() == 0);

            CliRun cancel = CliRun.of("cancel", "--data-dir", data(), "--reason", "from the terminal", runId);
            assertThat(cancel.exitCode()).as(cancel.err()).isZero();
            JsonNode outcome = Corpus.parse(cancel.out());
            assertThat(outcome.get("outcome").asText()).isEqualTo("requested");
            assertThat(outcome.get("cancel").get("requestedBy").asText()).startsWith("cli ");

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                JsonNode summary = Corpus.parse(CliRun.of("summary", "--data-dir", data(), runId).out());
                assertThat(summary.get("status").asText()).isEqualTo("canceled");
                assertThat(summary.get("cancel").get("reason").asText()).isEqualTo("from the terminal");
            });
            JsonNode again = Corpus.parse(CliRun.of("cancel", "--data-dir", data(), runId).out());
            assertThat(again.get("outcome").asText()).isEqualTo("already_ended");
            CliRun unknown = CliRun.of("cancel", "--data-dir", data(), "cli-never-written");
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.err()).contains("cli-never-written");
        } finally {
            serve.stop();
        }
    }

    private static void assertSameSummary(JsonNode actual, JsonNode expected) {
        for (String key : List.of("runId", "kind", "status", "text", "finishReason", "usage", "error", "result",
                "stepCount", "toolCalls", "chunkCount", "transientCount")) {
            assertThat(JsonEquality.equal(actual.get(key), expected.get(key)))
                    .as("%s: %s vs %s", key, actual.get(key), expected.get(key)).isTrue();
        }
    }

    @Test
    void shouldTellHowToStartServeWhenNothingRuns() {
        CliRun run = CliRun.of("runs", "--data-dir", dir.resolve("nothing").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("runstream serve").contains("--bootstrap-servers");
    }
}
