package dev.runstream.bridge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.core.chunk.ChunkBodyFormat;
import dev.runstream.core.testing.ChunkBodies;
import dev.runstream.core.testing.Corpus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input over HTTP, generated: every body is malformed through and through, so none of it may reach Kafka; each
 * gets a clear 4xx, and the server stays up and answers others meanwhile. The generator is seeded: a failure is
 * reproduced by its seed.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpBadInputIT {

    static final int BODIES = 10_000;
    private static final long SEED = 20261123L;

    private final EmbeddedKafkaBroker broker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private BridgeInstance instance;

    @TempDir
    static Path stateDir;

    HttpBadInputIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeAll
    void start() {
        instance = new BridgeInstance(broker, "badinput", stateDir, Map.of(
                BridgeConfig.IDLE_TIMEOUT_MS_CONFIG, 3000L, BridgeConfig.SSE_HEARTBEAT_INTERVAL_MS_CONFIG, 1000L,
                BridgeConfig.INGEST_MAX_CHUNK_BYTES_CONFIG, 64 * 1024));
    }

    @AfterAll
    void stop() {
        if (instance != null) {
            instance.close();
        }
    }

    @Test
    void shouldAnswerTenThousandMalformedBodiesWithA4xxAndPublishNothing() throws Exception {
        Random random = new Random(SEED);
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        Map<String, Integer> kinds = new ConcurrentHashMap<>();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        Semaphore concurrency = new Semaphore(32);
        List<CompletableFuture<?>> replies = new ArrayList<>();
        for (int i = 0; i < BODIES; i++) {
            MalformedBody body = MalformedBody.generate(random, i);
            kinds.merge(body.kind(), 1, Integer::sum);
            concurrency.acquire();
            HttpRequest.Builder request = HttpRequest.newBuilder(instance.uri("/v1/runs/bad-" + i + "/chunks"))
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
            if (body.contentType() != null) {
                request.header("Content-Type", body.contentType());
            }
            replies.add(http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((reply, error) -> {
                        concurrency.release();
                        int status = error != null ? -1 : reply.statusCode();
                        statuses.merge(status, 1, Integer::sum);
                        if (status < 400 || status >= 500 || !isErrorShape(reply.body())) {
                            wrong.add(body.kind() + " -> " + status + " " + (reply == null ? error : reply.body()));
                        }
                    }));
            if (i % 1000 == 999) {
                assertThat(http.send(HttpRequest.newBuilder(instance.uri("/health")).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                        .as("health while bad bodies pour in").isEqualTo(200);
            }
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        System.out.printf("MEASURED bad HTTP bodies: %d sent, kinds %s, statuses %s%n", BODIES, kinds, statuses);

        assertThat(wrong).as("bodies not answered with a 4xx in the error shape").isEmpty();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).noneMatch(topic -> topic.startsWith("badinput.run.bad-"));
        }
        assertThat(kinds.keySet()).hasSizeGreaterThanOrEqualTo(10);
    }

    @Test
    void shouldRefuseAChunkOverTheLimitAndKeepItsNeighbours() throws Exception {
        String huge = "{\"type\":\"text-delta\",\"payload\":{\"text\":\"" + "é".repeat(200_000) + "\"}}";
        byte[] body = ChunkBodies.renderJson(List.of("{\"type\":\"start\"}", huge, "{\"type\":\"finish\"}"),
                ChunkBodyFormat.NDJSON);

        HttpResponse<String> reply = http.send(HttpRequest.newBuilder(instance.uri("/v1/runs/huge-1/chunks"))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(reply.statusCode()).isEqualTo(422);
        assertThat(Corpus.parse(reply.body()).at("/details/accepted").asLong()).isEqualTo(2);
        assertThat(Corpus.parse(reply.body()).at("/details/rejections/0/reason").asText())
                .contains("longer than the limit of 65536 bytes");
    }

    @Test
    void shouldStayResponsiveUnderStalledUploadsAndCutThem() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Socket socket = new Socket("127.0.0.1", instance.uri("/").getPort());
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/runs/loris-" + i + "/chunks HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson"
                    + "\r\nContent-Length: 100000\r\n\r\n{\"type\":\"text-del").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            stalled.add(socket);
        }
        long before = System.nanoTime();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(instance.uri("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        long healthMs = (System.nanoTime() - before) / 1_000_000;
        assertThat(health.statusCode()).isEqualTo(200);

        AtomicInteger cut = new AtomicInteger();
        for (Socket socket : stalled) {
            socket.setSoTimeout(30_000);
            try {
                byte[] answer = socket.getInputStream().readAllBytes();
                cut.incrementAndGet();
                assertThat(new String(answer, StandardCharsets.UTF_8)).doesNotContain("\"accepted\":1");
            } catch (IOException e) {
                cut.incrementAndGet();
            } finally {
                socket.close();
            }
        }
        System.out.printf("MEASURED stalled uploads: 200 held open, /health answered in %d ms meanwhile, %d cut "
                + "by the idle timeout%n", healthMs, cut.get());
        assertThat(cut.get()).isEqualTo(200);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).noneMatch(topic -> topic.startsWith("badinput.run.loris-"));
        }
    }

    @Test
    void shouldRefuseRunIdsThatCouldNameAnotherTopicOnEveryRoute() throws Exception {
        List<String> hostile = List.of("..", ".", "..%2F..%2Fetc", "a%2Fb", "run%00x", "run%20x", "r%D0%B0n",
                "%EF%BD%92un", "run%E2%80%8Dx", "run%E2%80%AEx", "--anchor", "run*", "run.%2A", "a%7Cb", "(a)",
                "x".repeat(129), "run$", "run%5Cx", "%2E%2E");
        int refused = 0;
        for (String runId : hostile) {
            for (HttpRequest request : List.of(
                    HttpRequest.newBuilder(instance.uri("/v1/runs/" + runId + "/chunks"))
                            .header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"start\"}\n")).build(),
                    HttpRequest.newBuilder(instance.uri("/v1/runs/" + runId + "/stream")).build(),
                    HttpRequest.newBuilder(instance.uri("/v1/runs/" + runId)).build(),
                    HttpRequest.newBuilder(instance.uri("/v1/runs/" + runId)).DELETE().build())) {
                // A connection of its own per request: the server may answer a refused POST before reading its
                // body and then close the connection, which a pooled client could be reusing for the next one.
                HttpResponse<String> reply;
                try (HttpClient own = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
                    reply = own.send(request, HttpResponse.BodyHandlers.ofString());
                }
                assertThat(reply.statusCode()).as(request.method() + " " + request.uri()).isIn(400, 404);
                refused++;
            }
        }
        System.out.printf("MEASURED hostile run ids over HTTP: %d requests, all refused with 400/404%n", refused);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).allMatch(topic -> !topic.startsWith("badinput.run.")
                    || topic.matches("badinput\\.run\\.[A-Za-z0-9._-]+") && !topic.contains(".run.."));
        }
    }

    private static boolean isErrorShape(String body) {
        try {
            var json = Corpus.parse(body);
            return json.hasNonNull("code") && json.hasNonNull("message");
        } catch (RuntimeException e) {
            return false;
        }
    }
}
