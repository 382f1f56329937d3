package dev.runstream.bridge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.broker.RunLayouts;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.ChunkBodyFormat;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunSummaryJson;
import dev.runstream.core.json.Json;
import dev.runstream.core.testing.ChunkBodies;
import dev.runstream.core.testing.Corpus;
import dev.runstream.core.ui.UiMessageStreamConverter;
import dev.runstream.core.ui.UiStreamOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP/SSE bridge on a real server (ephemeral loopback port) over the real embedded broker. */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass(name = "[{0}]")
@ValueSource(strings = {RunLayouts.TOPIC_PER_RUN, RunLayouts.SHARED})
class HttpBridgeIT {

    @Parameter
    String layout;

    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final EmbeddedKafkaBroker broker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private BridgeInstance instance;
    private Admin admin;

    @TempDir
    static Path stateDir;

    HttpBridgeIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeParameterizedClassInvocation
    void start(String layout) {
        instance = new BridgeInstance(broker, RunLayouts.prefix("httpit", layout), stateDir.resolve(layout),
                Map.of(RunstreamConfig.RUN_LAYOUT_CONFIG, layout));
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    }

    @AfterParameterizedClassInvocation(injectArguments = false)
    void stop() {
        if (instance != null) {
            instance.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void shouldIngestEveryCorpusScenarioInEveryBodyFormatAndStreamItBackInBothFormats() throws Exception {
        for (String scenario : Corpus.SCENARIOS) {
            for (ChunkBodyFormat format : ChunkBodyFormat.values()) {
                String runId = runId(scenario + "-" + format.name().toLowerCase(Locale.ROOT));
                List<Chunk> chunks = Corpus.chunksAs(scenario, "chunks.ndjson", runId);

                HttpResponse<String> reply = post(runId, ChunkBodies.render(chunks, format),
                        ChunkBodies.mediaType(format), null);

                assertThat(reply.statusCode()).as(scenario + " as " + format + ": " + reply.body()).isEqualTo(200);
                JsonNode report = Corpus.parse(reply.body());
                assertThat(report.get("accepted").asLong()).isEqualTo(chunks.size());
                assertThat(report.get("firstSequence").asLong()).isZero();
                assertThat(report.get("lastSequence").asLong()).isEqualTo(chunks.size() - 1);

                List<Chunk> persisted = chunks.stream().filter(chunk -> !chunk.isTransient()).toList();
                SseEvents.Read mastra = sse(runId, "", null);
                assertThat(mastra.contentType()).startsWith("text/event-stream");
                assertSameChunks(mastra.data(), persisted);
                assertThat(mastra.blocks().stream().filter(b -> b.id() != null).map(b -> Long.parseLong(b.id())))
                        .as("every chunk's id block is its sequence")
                        .containsExactlyElementsOf(sequencesOfPersisted(chunks));
                assertSameChunks(sse(runId, "?transient=true", null).data(), chunks);

                SseEvents.Read ui = sse(runId, "?format=ui", null);
                assertThat(ui.uiStreamHeader()).isEqualTo("v1");
                List<String> expectedUi = new ArrayList<>();
                UiMessageStreamConverter.convertAll(persisted, UiStreamOptions.defaults())
                        .forEach(node -> expectedUi.add(Json.write(node)));
                expectedUi.add("[DONE]");
                assertSameJsonLines(ui.data(), expectedUi);
            }
        }
    }

    @Test
    void shouldStreamALiveRunToAReaderWhoCameFirstTransientChunksIncluded() throws Exception {
        String runId = runId("live");
        List<Chunk> chunks = Corpus.chunksAs("agent-tool", "chunks.ndjson", runId);
        CompletableFuture<SseEvents.Read> reader = CompletableFuture.supplyAsync(() -> uncheckedSse(runId, ""));
        await().atMost(PATIENCE).until(() -> instance.fanout.followers() >= 1);

        streamBody(runId, chunks, 3, Duration.ofMillis(20));

        assertSameChunks(reader.get().data(), chunks);
    }

    @Test
    void shouldResumeWithLastEventIdWithNoGapAndNoDuplicateWhileTheRunIsWritten() throws Exception {
        for (String format : List.of("mastra", "ui")) {
            String runId = runId("resume-" + format);
            List<Chunk> chunks = Corpus.chunksAs("agent-reasoning", "chunks.ndjson", runId);
            String query = "?format=" + format;
            CompletableFuture<SseEvents.Read> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return SseEvents.read(http, instance.uri("/v1/runs/" + runId + "/stream" + query), null, null,
                            5, format.equals("mastra"));
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(PATIENCE).until(() -> instance.fanout.followers() >= 1);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    streamBody(runId, chunks, 1, Duration.ofMillis(30));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            SseEvents.Read before = first.get();
            SseEvents.Read after = SseEvents.read(http, instance.uri("/v1/runs/" + runId + "/stream" + query),
                    before.lastEventId(), null, Integer.MAX_VALUE, false);
            writer.get();

            List<String> all = new ArrayList<>(before.data());
            all.addAll(after.data());
            if (format.equals("mastra")) {
                assertSameChunks(all, chunks);
            } else {
                List<String> expected = new ArrayList<>();
                UiMessageStreamConverter.convertAll(chunks, UiStreamOptions.defaults())
                        .forEach(node -> expected.add(Json.write(node)));
                expected.add("[DONE]");
                assertSameJsonLines(all, expected);
            }
        }
    }

    @Test
    void shouldEndAtOnceAStreamResumedAfterTheLastEventOfAnEndedRun() throws Exception {
        for (String format : List.of("mastra", "ui")) {
            String runId = runId("resume-after-end-" + format);
            List<Chunk> chunks = Corpus.chunksAs("agent-text", "chunks.ndjson", runId);
            assertThat(post(runId, ChunkBodies.render(chunks, ChunkBodyFormat.NDJSON),
                    ChunkBodies.mediaType(ChunkBodyFormat.NDJSON), null).statusCode()).isEqualTo(200);
            String query = "?format=" + format;
            String last = sse(runId, query, null).lastEventId();
            SseEvents.Read resumed = CompletableFuture.supplyAsync(() -> {
                try {
                    return sse(runId, query, last);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(resumed.data()).as(format + ": nothing after the last event, and the stream ended")
                    .allMatch(data -> data.equals("[DONE]"));
        }
    }

    @Test
    void shouldFeedEverySummaryChangeAndPageTheRunListWithItsCursor() throws Exception {
        String group = "http-paged-" + RUNS.incrementAndGet() + "-";
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runIds.add(group + i);
        }
        java.util.Set<String> fed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> {
            try {
                HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(
                        instance.uri("/v1/run-summaries/stream")).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body(),
                        StandardCharsets.UTF_8))) {
                    String event = null;
                    String line;
                    while (fed.size() < runIds.size() && (line = lines.readLine()) != null) {
                        if (line.startsWith("event: ")) {
                            event = line.substring(7);
                        } else if (line.startsWith("data: ") && "summary".equals(event)) {
                            JsonNode summary = Corpus.parse(line.substring(6));
                            if (runIds.contains(summary.get("runId").asText())
                                    && summary.get("status").asText().equals("success")) {
                                fed.add(summary.get("runId").asText());
                            }
                        }
                    }
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1000);
        for (String runId : runIds) {
            List<Chunk> chunks = Corpus.chunksAs("agent-text", "chunks.ndjson", runId);
            assertThat(post(runId, ChunkBodies.render(chunks, ChunkBodyFormat.NDJSON),
                    ChunkBodies.mediaType(ChunkBodyFormat.NDJSON), null).statusCode()).isEqualTo(200);
        }
        feed.get(90, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(fed).as("the feed told every run's end").containsExactlyInAnyOrderElementsOf(runIds);

        List<String> paged = new ArrayList<>();
        List<Instant> activity = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(instance.uri("/v1/runs?limit=2&q=" + group
                    + (after == null ? "" : "&after=" + after))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            JsonNode body = Corpus.parse(page.body());
            body.get("runs").forEach(run -> {
                paged.add(run.get("runId").asText());
                activity.add(Instant.parse(run.get("lastChunkAt").asText()));
            });
            after = body.get("next").isNull() ? null : body.get("next").asText();
            pages++;
        } while (after != null && pages < 10);
        assertThat(paged).as("every run once, over three pages").hasSize(5).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(runIds);
        assertThat(pages).isEqualTo(3);
        assertThat(activity).as("latest activity first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(http.send(HttpRequest.newBuilder(instance.uri("/v1/runs?after=yesterday")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
    }

    @Test
    void shouldNotDuplicateChunksWhenAWriterRetriesABodyWithItsFirstSequence() throws Exception {
        String runId = runId("retry");
        List<Chunk> chunks = Corpus.chunksAs("workflow", "chunks.ndjson", runId);
        byte[] half = ChunkBodies.render(chunks.subList(0, chunks.size() / 2), ChunkBodyFormat.NDJSON);
        byte[] whole = ChunkBodies.render(chunks, ChunkBodyFormat.NDJSON);

        assertThat(post(runId, half, "application/x-ndjson", 0L).statusCode()).isEqualTo(200);
        HttpResponse<String> retry = post(runId, whole, "application/x-ndjson", 0L);
        HttpResponse<String> again = post(runId, whole, "application/x-ndjson", 0L);

        assertThat(retry.statusCode()).isEqualTo(200);
        JsonNode report = Corpus.parse(retry.body());
        assertThat(report.get("duplicates").asLong()).isEqualTo(chunks.size() / 2);
        assertThat(report.get("accepted").asLong()).isEqualTo(chunks.size() - chunks.size() / 2);
        assertThat(Corpus.parse(again.body()).get("duplicates").asLong()).isEqualTo(chunks.size());
        assertSameChunks(sse(runId, "?transient=true", null).data(), chunks);

        HttpResponse<String> gap = post(runId, whole, "application/x-ndjson", (long) chunks.size() + 5);
        assertThat(gap.statusCode()).isEqualTo(409);
        assertThat(Corpus.parse(gap.body()).get("code").asText()).isEqualTo("sequence_conflict");
    }

    @Test
    void shouldAnswerTheSameSummaryOnEitherOfTwoInstances() throws Exception {
        try (BridgeInstance second = new BridgeInstance(broker, RunLayouts.prefix("httpit", layout),
                stateDir.resolve(layout + "-b"), Map.of(RunstreamConfig.RUN_LAYOUT_CONFIG, layout))) {
            List<String> runIds = new ArrayList<>();
            Map<String, String> scenarios = new java.util.HashMap<>();
            for (String scenario : Corpus.SCENARIOS) {
                String runId = runId("two-" + scenario);
                runIds.add(runId);
                scenarios.put(runId, scenario);
                List<Chunk> chunks = Corpus.chunksAs(scenario, "chunks.ndjson", runId);
                assertThat(post(runId, ChunkBodies.render(chunks, ChunkBodyFormat.NDJSON), "application/x-ndjson",
                        null).statusCode()).isEqualTo(200);
            }
            for (String runId : runIds) {
                String scenario = scenarios.get(runId);
                JsonNode expected = expectedSummary(runId, Corpus.chunksAs(scenario, "chunks.ndjson", runId));
                await().atMost(PATIENCE).untilAsserted(() -> {
                    HttpResponse<String> fromFirst = get(instance.uri("/v1/runs/" + runId));
                    HttpResponse<String> fromSecond = get(second.uri("/v1/runs/" + runId));
                    assertThat(fromFirst.statusCode()).isEqualTo(200);
                    assertThat(fromSecond.statusCode()).isEqualTo(200);
                    assertThat(Corpus.parse(fromFirst.body()).get("text")).isEqualTo(expected.get("text"));
                    assertThat(Corpus.parse(fromFirst.body()).get("status")).isEqualTo(expected.get("status"));
                    assertThat(Corpus.parse(fromFirst.body()).get("usage")).isEqualTo(expected.get("usage"));
                    assertThat(Corpus.parse(fromSecond.body())).isEqualTo(Corpus.parse(fromFirst.body()));
                });
            }
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode list = Corpus.parse(get(second.uri("/v1/runs?limit=10000")).body());
                List<String> listed = new ArrayList<>();
                list.get("runs").forEach(run -> listed.add(run.get("runId").asText()));
                assertThat(listed).containsAll(runIds);
            });
        }
    }

    @Test
    void shouldRefuseMalformedBodiesWithA4xxAndPublishNothingOfThem() throws Exception {
        String runId = runId("malformed");
        List<String> bad = List.of("{\"type\":", "[1,2,3]", "{\"payload\":{}}", "{\"type\":42}", "not json",
                "{\"type\":\"text-delta\",\"runId\":\"someone-else\"}", "{" + "\"a\":[".repeat(300) + "]".repeat(300)
                        + "}");
        for (ChunkBodyFormat format : ChunkBodyFormat.values()) {
            HttpResponse<String> reply = post(runId, ChunkBodies.renderJson(bad, format),
                    ChunkBodies.mediaType(format), null);
            assertThat(reply.statusCode()).as(format + ": " + reply.body()).isEqualTo(422);
            JsonNode error = Corpus.parse(reply.body());
            assertThat(error.get("code").asText()).isEqualTo("chunks_rejected");
            assertThat(error.at("/details/accepted").asLong()).isZero();
            assertThat(error.at("/details/rejections")).hasSizeGreaterThanOrEqualTo(format
                    == ChunkBodyFormat.JSON_ARRAY ? 1 : bad.size());
            error.at("/details/rejections").forEach(rejection -> {
                assertThat(rejection.get("line").asLong()).isPositive();
                assertThat(rejection.get("reason").asText()).isNotBlank();
            });
        }
        HttpResponse<String> unknownType = post(runId, "hello".getBytes(StandardCharsets.UTF_8), "application/xml",
                null);
        assertThat(unknownType.statusCode()).isEqualTo(415);
        assertThat(post(runId, "hello".getBytes(StandardCharsets.UTF_8), "text/plain", null).statusCode())
                .isEqualTo(415);
        assertThat(post("bad..id/x", new byte[0], "application/x-ndjson", null).statusCode()).isIn(400, 404);
        assertThat(post("bad%20id", new byte[0], "application/x-ndjson", null).statusCode()).isEqualTo(400);

        assertThat(admin.listTopics().names().get()).doesNotContain(instance.config.topics().runTopic(runId));
        assertThat(instance.node().fanout().logs().summaries().summary(runId)).as("no chunk of the run was stored")
                .isEmpty();
    }

    @Test
    void shouldKeepValidNeighboursOfABadChunk() throws Exception {
        String runId = runId("neighbours");
        List<Chunk> chunks = Corpus.chunksAs("agent-text", "chunks.ndjson", runId);
        List<String> lines = new ArrayList<>(chunks.stream().map(MastraChunkCodec::encode).toList());
        lines.add(2, "{\"type\": oops}");

        HttpResponse<String> reply = post(runId, ChunkBodies.renderJson(lines, ChunkBodyFormat.NDJSON),
                "application/x-ndjson", null);

        assertThat(reply.statusCode()).isEqualTo(422);
        JsonNode details = Corpus.parse(reply.body()).get("details");
        assertThat(details.get("accepted").asLong()).isEqualTo(chunks.size());
        assertThat(details.at("/rejections/0/line").asLong()).isEqualTo(3);
        assertSameChunks(sse(runId, "?transient=true", null).data(), chunks);
    }

    @Test
    void shouldDeleteARunSoThatItsSummaryAndChunksAreGone() throws Exception {
        String runId = runId("delete");
        String other = runId("kept");
        for (String id : List.of(runId, other)) {
            List<Chunk> chunks = Corpus.chunksAs("agent-tool", "chunks.ndjson", id);
            assertThat(post(id, ChunkBodies.render(chunks, ChunkBodyFormat.NDJSON), "application/x-ndjson", null)
                    .statusCode()).isEqualTo(200);
            await().atMost(PATIENCE).until(() -> get(instance.uri("/v1/runs/" + id)).statusCode() == 200);
        }

        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(instance.uri("/v1/runs/" + runId)).DELETE()
                .timeout(PATIENCE).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        JsonNode report = Corpus.parse(deleted.body());
        assertThat(report.get("summaryRemoved").asBoolean()).isTrue();
        assertThat(report.get("chunkTombstones").asLong()).isPositive();
        assertThat(get(instance.uri("/v1/runs/" + runId)).statusCode()).isEqualTo(404);
        try (var subscriber = new dev.runstream.bridge.subscribe.RunSubscriber(instance.config,
                dev.runstream.bridge.registry.SchemaRegistries.fromConfig(instance.config))) {
            assertThat(subscriber.replay(runId, true)).isEmpty();
            assertThat(subscriber.replay(other, true)).hasSize(
                    Corpus.chunksAs("agent-tool", "chunks.ndjson", other).size());
        }
        assertThat(get(instance.uri("/v1/runs/" + other)).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(instance.uri("/v1/runs/" + runId)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswerErrorsInOneJsonShape() throws Exception {
        String never = runId("never-written");
        await().atMost(PATIENCE).until(() -> get(instance.uri("/v1/runs/" + never)).statusCode() != 503);
        HttpResponse<String> missing = get(instance.uri("/v1/runs/" + never));
        assertThat(missing.statusCode()).isEqualTo(404);
        JsonNode error = Corpus.parse(missing.body());
        assertThat(error.get("code").asText()).isEqualTo("run_not_found");
        assertThat(error.get("message").asText()).contains("never-written");

        assertThat(get(instance.uri("/v1/runs/x/stream?format=xml")).statusCode()).isEqualTo(400);
        assertThat(get(instance.uri("/v1/runs?status=sleepy")).statusCode()).isEqualTo(400);
        assertThat(get(instance.uri("/v1/runs?limit=0")).statusCode()).isEqualTo(400);
        HttpResponse<String> noRoute = get(instance.uri("/v2/nothing"));
        assertThat(noRoute.statusCode()).isEqualTo(404);
        assertThat(Corpus.parse(noRoute.body()).get("code").asText()).isEqualTo("not_found");
        HttpResponse<String> badId = http.send(HttpRequest.newBuilder(instance.uri("/v1/runs/r/stream"))
                .header("Last-Event-ID", "banana").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badId.statusCode()).isEqualTo(400);
    }

    @Test
    void shouldServeHealthAndPrometheusMetrics() throws Exception {
        HttpResponse<String> health = get(instance.uri("/health"));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Corpus.parse(health.body()).get("status").asText()).isEqualTo("UP");

        String metrics = get(instance.uri("/metrics")).body();
        assertThat(metrics).contains("runstream_chunks_in_total", "runstream_sse_readers",
                "kafka_producer_metrics_record_send_rate", "records_lag_max");
    }

    @Test
    void shouldRefuseRequestsWithoutTheBearerTokenOnEveryRouteButHealth(@TempDir Path authState) throws Exception {
        String token = "s3cret-" + RUNS.incrementAndGet();
        try (BridgeInstance secured = new BridgeInstance(broker, "httpit-auth", authState,
                Map.of(BridgeConfig.AUTH_TOKEN_CONFIG, token))) {
            List<HttpRequest.Builder> requests = List.of(
                    HttpRequest.newBuilder(secured.uri("/v1/runs")).GET(),
                    HttpRequest.newBuilder(secured.uri("/v1/runs/r1")).GET(),
                    HttpRequest.newBuilder(secured.uri("/v1/runs/r1/stream")).GET(),
                    HttpRequest.newBuilder(secured.uri("/v1/runs/r1/chunks"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"start\"}\n")),
                    HttpRequest.newBuilder(secured.uri("/v1/runs/r1")).DELETE(),
                    HttpRequest.newBuilder(secured.uri("/metrics")).GET());
            for (HttpRequest.Builder request : requests) {
                HttpResponse<String> none = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> wrong = http.send(request.header("Authorization", "Bearer " + token + "x")
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(none.statusCode()).as(none.request().uri().toString()).isEqualTo(401);
                assertThat(wrong.statusCode()).isEqualTo(401);
                assertThat(Corpus.parse(none.body()).get("code").asText()).isEqualTo("unauthorized");
                assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
            }
            assertThat(http.send(HttpRequest.newBuilder(secured.uri("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isIn(200, 503);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(http.send(
                    HttpRequest.newBuilder(secured.uri("/v1/runs")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200));
            assertThat(secured.config.toString()).doesNotContain(token);
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static String runId(String name) {
        return "http-" + name + "-" + RUNS.incrementAndGet();
    }

    @Test
    void shouldResumeABrokenRunForAWriterThatRetriesWithItsFirstSequence() throws Exception {
        String runId = runId("broken");
        List<Chunk> chunks = Corpus.chunksAs("agent-text", "chunks.ndjson", runId);
        int half = chunks.size() / 2;
        assertThat(post(runId, ChunkBodies.render(chunks.subList(0, half), ChunkBodyFormat.NDJSON),
                "application/x-ndjson", 0L).statusCode()).isEqualTo(200);
        byte[] rest = ChunkBodies.render(chunks.subList(half, chunks.size()), ChunkBodyFormat.NDJSON);
        var publisher = instance.node().publisher();
        // Another writer's transaction on the run's topic stays open: the run's end cannot be told, resuming fails.
        try (org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> stuck =
                new org.apache.kafka.clients.producer.KafkaProducer<>(Map.of("bootstrap.servers",
                        broker.bootstrapServers(), "transactional.id", runId + "-stuck"),
                        new org.apache.kafka.common.serialization.StringSerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            stuck.initTransactions();
            stuck.beginTransaction();
            stuck.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                    RunLayouts.logTopic(instance.config.topics(), layout, runId), runId, new byte[] {1})).get();
            assertThat(publisher.resume(runId).toCompletableFuture()).failsWithin(PATIENCE);
            assertThat(publisher.needsResume(runId)).isTrue();

            HttpResponse<String> refused = post(runId, rest, "application/x-ndjson", (long) half);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(Corpus.parse(refused.body()).get("code").asText()).isEqualTo("resume_failed");
            stuck.abortTransaction();
        }
        HttpResponse<String> retried = post(runId, rest, "application/x-ndjson", (long) half);
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        assertThat(Corpus.parse(retried.body()).get("firstSequence").asLong()).isEqualTo(half);
        assertThat(Corpus.parse(retried.body()).get("accepted").asLong()).isEqualTo(chunks.size() - half);
        assertSameChunks(sse(runId, "?transient=true", null).data(), chunks);
    }

    private HttpResponse<String> post(String runId, byte[] body, String contentType, Long firstSequence)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(instance.uri("/v1/runs/" + runId + "/chunks"))
                .timeout(PATIENCE)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (firstSequence != null) {
            request.header("Runstream-First-Sequence", firstSequence.toString());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(PATIENCE).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Streams the chunks as one NDJSON request body, {@code perWrite} at a time with a pause between. */
    private void streamBody(String runId, List<Chunk> chunks, int perWrite, Duration pause) throws Exception {
        PipedInputStream body = new PipedInputStream(64 * 1024);
        PipedOutputStream sink = new PipedOutputStream(body);
        CompletableFuture<HttpResponse<String>> reply = http.sendAsync(
                HttpRequest.newBuilder(instance.uri("/v1/runs/" + runId + "/chunks"))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(),
                HttpResponse.BodyHandlers.ofString());
        try (OutputStream out = sink) {
            for (int i = 0; i < chunks.size(); i++) {
                out.write((MastraChunkCodec.encode(chunks.get(i)) + "\n").getBytes(StandardCharsets.UTF_8));
                if ((i + 1) % perWrite == 0) {
                    out.flush();
                    Thread.sleep(pause.toMillis());
                }
            }
        }
        assertThat(reply.get().statusCode()).as(reply.get().body()).isEqualTo(200);
    }

    private SseEvents.Read sse(String runId, String query, String lastEventId) throws Exception {
        SseEvents.Read read = SseEvents.read(http, instance.uri("/v1/runs/" + runId + "/stream" + query),
                lastEventId, null, Integer.MAX_VALUE, false);
        assertThat(read.status()).isEqualTo(200);
        return read;
    }

    private SseEvents.Read uncheckedSse(String runId, String query) {
        try {
            return sse(runId, query, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode expectedSummary(String runId, List<Chunk> chunks) {
        RunFold.Accumulator fold = RunFold.accumulator(runId);
        for (int i = 0; i < chunks.size(); i++) {
            fold.accept(new StoredChunk(runId, i, Instant.now(), chunks.get(i)));
        }
        return RunSummaryJson.toJson(fold.summary());
    }

    static List<Long> sequencesOfPersisted(List<Chunk> chunks) {
        List<Long> sequences = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            if (!chunks.get(i).isTransient()) {
                sequences.add((long) i);
            }
        }
        return sequences;
    }

    static void assertSameChunks(List<String> data, List<Chunk> expected) {
        assertSameJsonLines(data, expected.stream().map(MastraChunkCodec::encode).toList());
    }

    static void assertSameJsonLines(List<String> actual, List<String> expected) {
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i).equals("[DONE]")) {
                assertThat(actual.get(i)).isEqualTo("[DONE]");
            } else {
                assertThat(Corpus.parse(actual.get(i))).as("event " + i).isEqualTo(Corpus.parse(expected.get(i)));
            }
        }
    }
}
