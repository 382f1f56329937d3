package dev.runstream.bridge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.broker.RunLayouts;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.http.internal.auth.RunSelector;
import dev.runstream.bridge.http.internal.auth.Scope;
import dev.runstream.bridge.http.internal.auth.SigningKey;
import dev.runstream.bridge.http.internal.auth.TokenClaims;
import dev.runstream.bridge.http.internal.auth.TokenSigner;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.json.Json;
import dev.runstream.core.testing.Corpus;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cancel through HTTP on two instances that share the work: whoever may cancel asks any instance, the run's writer
 * hears it on another (long poll and ingest reply), readers on every instance see the run end canceled, and a run
 * whose writer is gone is ended by Runstream within the grace.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass(name = "[{0}]")
@ValueSource(strings = {RunLayouts.TOPIC_PER_RUN, RunLayouts.SHARED})
class RunCancelIT {

    @Parameter
    String layout;

    @TempDir
    static Path state;

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String ADMIN = "admin-S3cr3t-cancel";
    private static final String KEY = "Y2FuY2VsLWNhbmNlbC1jYW5jZWwtY2FuY2VsLWNhbmM=";
    private static final long GRACE_MS = 3000;
    /** The chunks of agent-text up to its first text-delta: a run in the middle of its answer. */
    private static final int PARTIAL = 4;

    private final EmbeddedKafkaBroker broker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final TokenSigner signer = new TokenSigner(SigningKey.fromBase64(KEY));
    private BridgeInstance first;
    private BridgeInstance second;

    RunCancelIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeParameterizedClassInvocation
    void start(String layout) {
        Map<String, Object> settings = Map.of(BridgeConfig.AUTH_TOKEN_CONFIG, ADMIN,
                BridgeConfig.AUTH_SIGNING_KEY_CONFIG, KEY, RunstreamConfig.RUN_CANCEL_GRACE_MS_CONFIG, GRACE_MS,
                RunstreamConfig.RUN_LAYOUT_CONFIG, layout);
        String prefix = RunLayouts.prefix("cancelit", layout);
        first = new BridgeInstance(broker, prefix, state.resolve(layout + "-a"), settings);
        second = new BridgeInstance(broker, prefix, state.resolve(layout + "-b"), settings);
    }

    @AfterParameterizedClassInvocation
    void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    @Test
    void shouldTellTheWriterOnAnotherInstanceAndEndTheRunForEveryReader() throws Exception {
        String run = "cancel-told";
        String writer = token(run, Scope.WRITE);
        JsonNode started = ingest(first, run, chunks(run).subList(0, PARTIAL), writer);
        assertThat(started.get("cancel").isNull()).as(started.toString()).isTrue();
        awaitSummary(run);
        CompletableFuture<JsonNode> told = CompletableFuture.supplyAsync(() -> json(send(first,
                get("/v1/runs/" + run + "/control?waitMs=30000"), writer), 200));
        CompletableFuture<SseEvents.Read> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return SseEvents.read(http, second.uri("/v1/runs/" + run + "/stream"), null, token(run, Scope.READ),
                        Integer.MAX_VALUE, true);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        JsonNode requested = json(send(second, post("/v1/runs/" + run + "/cancel", "{\"reason\":\"user pressed stop\"}"),
                token(run, Scope.CANCEL)), 202);
        assertThat(requested.get("outcome").asText()).isEqualTo("requested");
        assertThat(requested.get("graceMs").asLong()).isEqualTo(GRACE_MS);
        JsonNode cancel = requested.get("cancel");
        assertThat(cancel.get("requestedBy").asText()).startsWith("token ");
        assertThat(cancel.get("reason").asText()).isEqualTo("user pressed stop");

        JsonNode heard = told.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(heard.get("cancel")).as("the long poll").isEqualTo(cancel);
        JsonNode next = ingest(first, run, chunks(run).subList(PARTIAL, PARTIAL + 1), writer);
        assertThat(next.get("cancel")).as("the ingest reply").isEqualTo(cancel);
        ingest(first, run, List.of(abort(run), abortFinish(run)), writer);

        JsonNode summary = await().atMost(PATIENCE).ignoreExceptions().until(() -> summary(second, run),
                RunCancelIT::endedCanceled);
        assertThat(summary.get("cancel")).isEqualTo(cancel);
        assertThat(summary.get("text").asText()).isEqualTo("The capital of France");
        SseEvents.Read read = reader.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        List<String> types = types(read.data());
        assertThat(types).as("the reader on the other instance saw the end and was let go")
                .endsWith("abort", "finish").containsOnlyOnce("abort");
        Thread.sleep(GRACE_MS + 2500);
        assertThat(types(replay(run))).as("Runstream wrote nothing: the writer ended the run").containsOnlyOnce("abort")
                .endsWith("abort", "finish");
    }

    @Test
    void shouldEndARunWhoseWriterIsGoneWithinTheGrace() throws Exception {
        String run = "cancel-gone";
        ingest(first, run, chunks(run).subList(0, PARTIAL), ADMIN);
        awaitSummary(run);
        Instant asked = Instant.now();
        JsonNode requested = json(send(first, post("/v1/runs/" + run + "/cancel", ""), ADMIN), 202);
        assertThat(requested.get("cancel").get("requestedBy").asText()).isEqualTo("admin");

        JsonNode summary = await().atMost(PATIENCE).ignoreExceptions().until(() -> summary(second, run),
                RunCancelIT::endedCanceled);
        Duration took = Duration.between(asked, Instant.now());
        assertThat(took).as("ended within the grace and the still-writing allowance")
                .isLessThan(Duration.ofMillis(GRACE_MS + 2000 + 5000));
        assertThat(took).as("not before the grace").isGreaterThanOrEqualTo(Duration.ofMillis(GRACE_MS - 500));
        assertThat(summary.get("finishReason").asText()).isEqualTo("aborted");
        assertThat(summary.get("cancel")).isEqualTo(requested.get("cancel"));
        List<String> replay = replay(run);
        assertThat(types(replay)).endsWith("abort", "finish").containsOnlyOnce("abort");
        JsonNode abort = Json.MAPPER.readTree(replay.get(replay.size() - 2));
        JsonNode note = abort.path("payload").path("runstream");
        assertThat(note.path("endedBy").asText()).isEqualTo("runstream");
        assertThat(note.path("cancelId").asText()).isEqualTo(requested.get("cancel").get("cancelId").asText());
    }

    @Test
    void shouldLeaveARunThatHadEndedAsItWas() throws Exception {
        String run = "cancel-ended";
        ingest(first, run, chunks(run), ADMIN);
        JsonNode before = await().atMost(PATIENCE).ignoreExceptions().until(() -> summary(first, run),
                s -> "success".equals(s.path("status").asText()));
        JsonNode reply = json(send(second, post("/v1/runs/" + run + "/cancel", ""), ADMIN), 200);
        assertThat(reply.get("outcome").asText()).isEqualTo("already_ended");
        assertThat(reply.get("status").asText()).isEqualTo("success");
        Thread.sleep(GRACE_MS + 2500);
        assertThat(summary(second, run)).isEqualTo(before);
        assertThat(summary(second, run).has("cancel")).isFalse();
    }

    @Test
    void shouldRecordOneCancelAndWriteOneEndWhenBothInstancesAreAskedAtOnce() throws Exception {
        String run = "cancel-twice";
        ingest(first, run, chunks(run).subList(0, PARTIAL), ADMIN);
        awaitSummary(run);
        CompletableFuture<HttpResponse<String>> a = CompletableFuture.supplyAsync(() -> send(first,
                post("/v1/runs/" + run + "/cancel", "{\"reason\":\"a\"}"), ADMIN));
        CompletableFuture<HttpResponse<String>> b = CompletableFuture.supplyAsync(() -> send(second,
                post("/v1/runs/" + run + "/cancel", "{\"reason\":\"b\"}"), ADMIN));
        JsonNode one = json(a.get(), 202);
        JsonNode other = json(b.get(), 202);
        assertThat(List.of(one.get("outcome").asText(), other.get("outcome").asText()))
                .allMatch(outcome -> outcome.equals("requested") || outcome.equals("already_requested"));

        JsonNode summary = await().atMost(PATIENCE).ignoreExceptions().until(() -> summary(second, run),
                RunCancelIT::endedCanceled);
        assertThat(summary.get("cancel").get("reason").asText()).isIn("a", "b");
        Thread.sleep(GRACE_MS + 2500);
        assertThat(types(replay(run))).containsOnlyOnce("abort").containsOnlyOnce("finish");
        assertThat(summary(first, run).get("cancel")).isEqualTo(summary.get("cancel"));
    }

    @Test
    void shouldAcceptACancelThatComesWhileTheFirstChunkIsBeingWrittenAndTellTheOpenIngest() throws Exception {
        String run = "cancel-first";
        List<Chunk> chunks = chunks(run);
        // The writer's request on a socket of its own, HTTP/1.1 chunked, so that its body is on the wire a chunk at a
        // time (java.net.http holds a streamed body back).
        java.net.URI ingest = first.uri("/v1/runs/" + run + "/chunks");
        try (java.net.Socket socket = new java.net.Socket(ingest.getHost(), ingest.getPort())) {
            socket.setSoTimeout((int) PATIENCE.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + ingest.getRawPath() + " HTTP/1.1\r\nHost: " + ingest.getHost() + ":" + ingest.getPort()
                    + "\r\nAuthorization: Bearer " + ADMIN + "\r\nContent-Type: application/x-ndjson\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            writeChunk(out, chunks.subList(0, 1));

            // No summary yet: the route waits for the run's first chunk to be aggregated rather than answer 404.
            JsonNode requested = json(send(second, post("/v1/runs/" + run + "/cancel", ""), ADMIN), 202);
            assertThat(requested.get("outcome").asText()).isEqualTo("requested");
            await().atMost(PATIENCE).until(() -> second.node().control().heard(run).isPresent()
                    && first.node().control().heard(run).isPresent());
            writeChunk(out, chunks.subList(1, PARTIAL));
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200");
            JsonNode reply = Json.MAPPER.readTree(response.substring(response.indexOf('{'),
                    response.lastIndexOf('}') + 1));
            assertThat(reply.get("accepted").asLong()).isEqualTo(PARTIAL);
            assertThat(reply.get("cancel")).as("the open ingest request's reply").isEqualTo(requested.get("cancel"));
        }
        JsonNode summary = await().atMost(PATIENCE).ignoreExceptions().until(() -> summary(first, run),
                s -> endedCanceled(s) && s.path("chunkCount").asLong() >= PARTIAL + 2);
        assertThat(summary.get("chunkCount").asLong()).as("its abort and finish, once").isEqualTo(PARTIAL + 2);
    }

    /** One HTTP/1.1 body chunk holding {@code chunks} as NDJSON, flushed. */
    private static void writeChunk(OutputStream out, List<Chunk> chunks) throws java.io.IOException {
        byte[] data = chunks.stream().map(MastraChunkCodec::encode).collect(Collectors.joining("\n", "", "\n"))
                .getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void shouldTellAWriterThatResumesAfterAFailureAndStoreEachChunkOnce() throws Exception {
        String run = "cancel-resumed";
        List<Chunk> chunks = chunks(run);
        String writer = token(run, Scope.WRITE);
        ingest(first, run, chunks.subList(0, PARTIAL), writer);
        awaitSummary(run);
        JsonNode requested = json(send(second, post("/v1/runs/" + run + "/cancel", "{\"reason\":\"mid-retry\"}"),
                ADMIN), 202);
        await().atMost(PATIENCE).until(() -> first.node().control().heard(run).isPresent());

        // The writer lost the reply of its last request and sends it again from its first sequence, one more chunk
        // added: the chunks Runstream has are duplicates, the new one is stored, and the reply says cancel.
        String body = chunks.subList(2, PARTIAL + 1).stream().map(MastraChunkCodec::encode)
                .collect(Collectors.joining("\n", "", "\n"));
        JsonNode resumed = json(send(first, HttpRequest.newBuilder(first.uri("/v1/runs/" + run + "/chunks"))
                .header("Content-Type", "application/x-ndjson").header("Runstream-First-Sequence", "2")
                .POST(HttpRequest.BodyPublishers.ofString(body)), writer), 200);
        assertThat(resumed.get("duplicates").asLong()).isEqualTo(PARTIAL - 2);
        assertThat(resumed.get("accepted").asLong()).isEqualTo(1);
        assertThat(resumed.get("cancel")).isEqualTo(requested.get("cancel"));
        ingest(first, run, List.of(abort(run), abortFinish(run)), writer);

        JsonNode summary = await().atMost(PATIENCE).ignoreExceptions().until(() -> summary(second, run),
                s -> endedCanceled(s) && s.path("chunkCount").asLong() >= PARTIAL + 3);
        assertThat(summary.get("chunkCount").asLong()).isEqualTo(PARTIAL + 3);
        assertThat(summary.get("cancel").get("reason").asText()).isEqualTo("mid-retry");
        Thread.sleep(GRACE_MS + 2500);
        List<String> types = types(replay(run));
        assertThat(types).hasSize(PARTIAL + 3).containsOnlyOnce("abort").endsWith("abort", "finish");
    }

    @Test
    void shouldLetOnlyACancelTokenForTheRunCancelIt() throws Exception {
        String run = "cancel-guarded";
        ingest(first, run, chunks(run).subList(0, PARTIAL), ADMIN);
        awaitSummary(run);
        String path = "/v1/runs/" + run + "/cancel";
        assertThat(send(first, post(path, ""), null).statusCode()).as("no credential").isEqualTo(401);
        assertThat(send(first, post(path, ""), "not-a-token").statusCode()).as("a bad credential").isEqualTo(401);
        assertThat(send(first, post(path, ""), token(run, Scope.READ)).statusCode()).as("read").isEqualTo(403);
        assertThat(send(first, post(path, ""), token(run, Scope.WRITE)).statusCode()).as("write").isEqualTo(403);
        assertThat(send(first, post(path, ""), token("cancel-other", Scope.CANCEL)).statusCode())
                .as("cancel, of another run").isEqualTo(403);
        assertThat(send(first, get("/v1/runs/" + run + "/control?waitMs=0"), token(run, Scope.READ)).statusCode())
                .as("a reader does not poll the writer's control").isEqualTo(403);
        String cancel = token(run, Scope.CANCEL);
        HttpResponse<String> notJson = send(first, post(path, "stop!"), cancel);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains(run);
        HttpResponse<String> longReason = send(first, post(path, "{\"reason\":\"" + "x".repeat(1001) + "\"}"), cancel);
        assertThat(longReason.statusCode()).isEqualTo(400);
        assertThat(longReason.body()).contains("reason");
        assertThat(send(first, post(path, "{\"reason\":7}"), cancel).statusCode()).isEqualTo(400);
        assertThat(send(first, get("/v1/runs/" + run + "/control?waitMs=-1"), ADMIN).statusCode()).isEqualTo(400);
        assertThat(summary(first, run).has("cancel")).as("no refused request was recorded").isFalse();
        assertThat(json(send(first, get("/v1/runs/" + run + "/control?waitMs=0"), ADMIN), 200).get("cancel").isNull())
                .isTrue();
        HttpResponse<String> unknown = send(first, post("/v1/runs/cancel-never-written/cancel", ""), ADMIN);
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.body()).contains("run_not_found");
    }

    /** Canceled: its abort was folded (the finish that follows may not be yet). */
    private static boolean endedCanceled(JsonNode summary) {
        return "canceled".equals(summary.path("status").asText()) && !summary.path("finishedAt").isNull();
    }

    private List<Chunk> chunks(String run) {
        return Corpus.chunksAs("agent-text", "chunks.ndjson", run);
    }

    private static Chunk abort(String run) {
        return Chunk.of(Json.object().put("type", "abort").put("runId", run).put("from", "AGENT")
                .set("payload", Json.object()));
    }

    /** The finish {@code @mastra/core} 1.71 writes after an {@code abortSignal}. */
    private static Chunk abortFinish(String run) {
        var finish = Json.object().put("type", "finish").put("runId", run).put("from", "AGENT");
        var payload = finish.putObject("payload");
        payload.putObject("stepResult").put("reason", "tripwire").put("isContinued", false);
        payload.putObject("output").putObject("usage").put("inputTokens", 12).put("outputTokens", 2)
                .put("totalTokens", 14);
        return Chunk.of(finish);
    }

    private String token(String run, Scope scope) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return signer.sign(new TokenClaims(TokenSigner.newTokenId(), RunSelector.exactly(run), EnumSet.of(scope),
                now.minusSeconds(5), now.plusSeconds(600)));
    }

    private JsonNode ingest(BridgeInstance to, String run, List<Chunk> chunks, String token) {
        String body = chunks.stream().map(MastraChunkCodec::encode).collect(Collectors.joining("\n", "", "\n"));
        return json(send(to, HttpRequest.newBuilder(to.uri("/v1/runs/" + run + "/chunks"))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body)),
                token), 200);
    }

    private void awaitSummary(String run) {
        await().atMost(PATIENCE).ignoreExceptions().until(() -> send(second, get("/v1/runs/" + run), ADMIN).statusCode() == 200);
    }

    private JsonNode summary(BridgeInstance from, String run) {
        return json(send(from, get("/v1/runs/" + run), ADMIN), 200);
    }

    /** The run's stored chunks, as a reader that comes after its end gets them. */
    private List<String> replay(String run) throws Exception {
        SseEvents.Read read = SseEvents.read(http, first.uri("/v1/runs/" + run + "/stream"), null, ADMIN,
                Integer.MAX_VALUE, true);
        assertThat(read.status()).isEqualTo(200);
        return read.data();
    }

    private static List<String> types(List<String> data) {
        return data.stream().map(line -> {
            try {
                return Json.MAPPER.readTree(line).path("type").asText();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(java.net.URI.create("http://placeholder" + path)).GET();
    }

    private static HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(java.net.URI.create("http://placeholder" + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** Sends the request to {@code to}: the placeholder host is replaced with the instance's own address. */
    private HttpResponse<String> send(BridgeInstance to, HttpRequest.Builder request, String token) {
        HttpRequest built = request.build();
        String path = built.uri().getRawPath() + (built.uri().getRawQuery() == null ? "" : "?" + built.uri().getRawQuery());
        HttpRequest.Builder copy = HttpRequest.newBuilder(built, (name, value) -> true).uri(to.uri(path))
                .timeout(Duration.ofSeconds(60));
        if (token != null) {
            copy.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(copy.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> reply, int status) {
        assertThat(reply.statusCode()).as(reply.request().method() + " " + reply.request().uri() + ": " + reply.body())
                .isEqualTo(status);
        try {
            return Json.MAPPER.readTree(reply.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
