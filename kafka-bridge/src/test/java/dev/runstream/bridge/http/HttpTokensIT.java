package dev.runstream.bridge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.http.internal.auth.RunSelector;
import dev.runstream.bridge.http.internal.auth.Scope;
import dev.runstream.bridge.http.internal.auth.SigningKey;
import dev.runstream.bridge.http.internal.auth.TokenClaims;
import dev.runstream.bridge.http.internal.auth.TokenSigner;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.testing.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoped tokens over real HTTP on a real bridge and broker: what each token reaches, every hostile form of a token
 * refused with 401 and never echoed, key rotation, and the session cookie (read routes only).
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpTokensIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String ADMIN = "admin-S3cr3t-tokens";
    private static final String KEY = "a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0=";
    private static final String PREVIOUS = "cHJldi1wcmV2LXByZXYtcHJldi1wcmV2LXByZXYtcHI=";
    private static final String RUN_A = "tok-a";
    private static final String RUN_B = "tok-b";
    private static final String RUN_P = "tok-p-1";

    private final EmbeddedKafkaBroker broker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private BridgeInstance instance;

    @TempDir
    static Path stateDir;

    HttpTokensIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeAll
    void start() throws Exception {
        instance = new BridgeInstance(broker, "httpit-tokens", stateDir.resolve("a"), Map.of(
                BridgeConfig.AUTH_TOKEN_CONFIG, ADMIN,
                BridgeConfig.AUTH_SIGNING_KEY_CONFIG, KEY,
                BridgeConfig.AUTH_SIGNING_KEY_PREVIOUS_CONFIG, PREVIOUS,
                BridgeConfig.AUTH_SIGNING_KEY_PREVIOUS_UNTIL_CONFIG, Instant.now().plus(Duration.ofHours(1)).toString()));
        for (String run : List.of(RUN_A, RUN_B, RUN_P, "tok-p1")) {
            HttpResponse<String> ingest = send(post("/v1/runs/" + run + "/chunks", body(run)), "Bearer " + ADMIN);
            assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(200);
        }
        for (String run : List.of(RUN_A, RUN_B, RUN_P)) {
            await().atMost(PATIENCE).until(() -> send(get("/v1/runs/" + run), "Bearer " + ADMIN).statusCode() == 200);
        }
    }

    @AfterAll
    void stop() {
        if (instance != null) {
            instance.close();
        }
    }

    @Test
    void shouldLetAReadTokenReadItsRunAndNothingElse() throws Exception {
        String read = mint("{\"run\":\"" + RUN_A + "\",\"scopes\":[\"read\"],\"ttlSeconds\":600}");
        String bearer = "Bearer " + read;

        assertThat(send(get("/v1/runs/" + RUN_A), bearer).statusCode()).isEqualTo(200);
        HttpResponse<String> stream = send(get("/v1/runs/" + RUN_A + "/stream"), bearer);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).contains("data: ");
        assertThat(send(get("/v1/runs/" + RUN_A + "/stream?format=ui"), bearer).statusCode()).isEqualTo(200);

        for (HttpRequest.Builder refused : List.of(get("/v1/runs/" + RUN_B), get("/v1/runs/" + RUN_B + "/stream"),
                get("/v1/runs"), delete("/v1/runs/" + RUN_A), delete("/v1/runs/" + RUN_B), get("/metrics"),
                post("/v1/runs/" + RUN_A + "/chunks", body(RUN_A)),
                post("/v1/tokens", "{\"run\":\"" + RUN_B + "\",\"scopes\":[\"read\"],\"ttlSeconds\":60}"))) {
            HttpResponse<String> reply = send(refused, bearer);
            assertThat(reply.statusCode()).as(reply.request().method() + " " + reply.request().uri()).isEqualTo(403);
            assertThat(code(reply)).isEqualTo("forbidden");
            assertThat(reply.headers().firstValue("WWW-Authenticate")).contains(
                    "Bearer realm=\"runstream\", error=\"insufficient_scope\"");
            assertThat(reply.body()).doesNotContain(read);
        }
        assertThat(send(get("/v1/runs/" + RUN_A), "Bearer " + ADMIN).statusCode()).as("run A not deleted")
                .isEqualTo(200);
    }

    @Test
    void shouldLetAWriteTokenIngestItsRunOnly() throws Exception {
        String write = "Bearer " + mint("{\"run\":\"tok-w\",\"scopes\":[\"write\"],\"ttlSeconds\":600}");
        HttpResponse<String> ingest = send(post("/v1/runs/tok-w/chunks", body("tok-w")), write);
        assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(200);
        assertThat(send(post("/v1/runs/" + RUN_B + "/chunks", body(RUN_B)), write).statusCode()).isEqualTo(403);
        assertThat(send(get("/v1/runs/tok-w"), write).statusCode()).as("write is not read").isEqualTo(403);
    }

    @Test
    void shouldLetAPrefixTokenReachOnlyRunsThatStartWithItsPrefix() throws Exception {
        String prefix = "Bearer " + mint("{\"runPrefix\":\"tok-p-\",\"scopes\":[\"read\"],\"ttlSeconds\":600}");
        assertThat(send(get("/v1/runs/" + RUN_P), prefix).statusCode()).isEqualTo(200);
        assertThat(send(get("/v1/runs/tok-p1"), prefix).statusCode()).isEqualTo(403);
        assertThat(send(get("/v1/runs/" + RUN_A), prefix).statusCode()).isEqualTo(403);
        assertThat(send(get("/v1/runs/tok-p-/stream/../../" + RUN_A), prefix).statusCode()).isIn(400, 403, 404);
        assertThat(send(get("/v1/runs"), prefix).statusCode()).isEqualTo(403);
    }

    @Test
    void shouldRefuseEveryHostileTokenWith401WithoutEchoingIt() throws Exception {
        String good = mint("{\"run\":\"" + RUN_A + "\",\"scopes\":[\"read\"],\"ttlSeconds\":600}");
        String[] s = good.split("\\.");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        SigningKey key = SigningKey.fromBase64(KEY);
        String otherRun = new TokenSigner(SigningKey.fromBase64("b3RoZXItb3RoZXItb3RoZXItb3RoZXItb3RoZXItb3Q="))
                .sign(claims(RUN_A, now.minusSeconds(10), now.plusSeconds(600)));
        String forgedPayload = new TokenSigner(key).sign(claims(RUN_B, now.minusSeconds(10), now.plusSeconds(600)))
                .split("\\.")[2];
        Map<String, String> hostile = Map.ofEntries(
                Map.entry("expired", new TokenSigner(key).sign(claims(RUN_A, now.minusSeconds(7200),
                        now.minusSeconds(3600)))),
                Map.entry("not yet valid", new TokenSigner(key).sign(claims(RUN_A, now.plusSeconds(3600),
                        now.plusSeconds(7200)))),
                Map.entry("payload of another run's token", String.join(".", s[0], s[1], forgedPayload, s[3])),
                Map.entry("tampered signature", String.join(".", s[0], s[1], s[2],
                        (s[3].charAt(0) == 'A' ? "B" : "A") + s[3].substring(1))),
                Map.entry("wrong key", otherRun),
                Map.entry("truncated", good.substring(0, good.length() - 3)),
                Map.entry("extra segment", good + ".AAAA"),
                Map.entry("bad base64", String.join(".", s[0], s[1], s[2] + "=", s[3])),
                Map.entry("version confusion", String.join(".", "rs2", s[1], s[2], s[3])),
                Map.entry("JWT alg none", "eyJhbGciOiJub25lIn0.eyJydW4iOiJ0b2stYSJ9."),
                Map.entry("huge", good + "A".repeat(5000)));
        for (Map.Entry<String, String> token : hostile.entrySet()) {
            HttpResponse<String> reply = send(get("/v1/runs/" + RUN_A), "Bearer " + token.getValue());
            assertThat(reply.statusCode()).as(token.getKey() + ": " + reply.body()).isEqualTo(401);
            assertThat(code(reply)).isEqualTo("unauthorized");
            assertThat(reply.headers().firstValue("WWW-Authenticate")).contains(
                    "Bearer realm=\"runstream\", error=\"invalid_token\"");
            for (String segment : token.getValue().split("\\.")) {
                assertThat(reply.body()).as(token.getKey()).doesNotContain(segment.length() > 8 ? segment : "\u0000");
            }
        }
        HttpResponse<String> oversized = send(get("/v1/runs/" + RUN_A), "Bearer " + "A".repeat(64 * 1024));
        assertThat(oversized.statusCode()).as("past Jetty's header limit").isIn(400, 401, 431);
    }

    @Test
    void shouldAcceptTheRotatedOutKeyWithinItsGraceAndRefuseItAfter(@TempDir Path after) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String old = new TokenSigner(SigningKey.fromBase64(PREVIOUS)).sign(claims(RUN_A, now.minusSeconds(10),
                now.plusSeconds(3600)));
        assertThat(send(get("/v1/runs/" + RUN_A), "Bearer " + old).statusCode()).isEqualTo(200);

        try (BridgeInstance graceOver = new BridgeInstance(broker, "httpit-tokens-grace", after, Map.of(
                BridgeConfig.AUTH_TOKEN_CONFIG, ADMIN,
                BridgeConfig.AUTH_SIGNING_KEY_CONFIG, KEY,
                BridgeConfig.AUTH_SIGNING_KEY_PREVIOUS_CONFIG, PREVIOUS,
                BridgeConfig.AUTH_SIGNING_KEY_PREVIOUS_UNTIL_CONFIG, now.minusSeconds(1).toString()))) {
            HttpResponse<String> refused = http.send(get("/v1/runs/" + RUN_A).uri(graceOver.uri("/v1/runs/" + RUN_A))
                    .header("Authorization", "Bearer " + old).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("retired key");
        }
    }

    @Test
    void shouldServeReadRoutesToTheSessionCookieAndRefuseItForWrites() throws Exception {
        String read = mint("{\"run\":\"" + RUN_A + "\",\"scopes\":[\"read\",\"write\"],\"ttlSeconds\":600}");
        HttpResponse<String> session = send(post("/v1/runs/" + RUN_A + "/session", ""), "Bearer " + read);
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        String setCookie = session.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("runstream_token=" + read + ";")
                .contains("; Path=/v1/runs/" + RUN_A + ";", "; HttpOnly", "; SameSite=Strict")
                .containsPattern("; Max-Age=(59\\d|600);").doesNotContain("Secure");
        String cookie = "runstream_token=" + read;

        HttpResponse<String> stream = http.send(get("/v1/runs/" + RUN_A + "/stream").header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).contains("data: ");
        assertThat(http.send(get("/v1/runs/" + RUN_A).header("Cookie", "theme=dark; " + cookie).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        for (HttpRequest.Builder refused : List.of(post("/v1/runs/" + RUN_A + "/chunks", body(RUN_A)),
                delete("/v1/runs/" + RUN_A), post("/v1/runs/" + RUN_A + "/session", ""), get("/v1/runs"))) {
            HttpResponse<String> reply = http.send(refused.header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).as(reply.request().method() + " " + reply.request().uri()).isEqualTo(401);
            assertThat(reply.body()).doesNotContain(read);
        }
        HttpResponse<String> otherRun = http.send(get("/v1/runs/" + RUN_B + "/stream").header("Cookie", cookie)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(otherRun.statusCode()).isEqualTo(401);
        assertThat(otherRun.body()).contains("does not grant 'read' on run '" + RUN_B + "'").doesNotContain(read);

        assertThat(send(post("/v1/runs/" + RUN_A + "/session", ""), "Bearer " + ADMIN).statusCode())
                .as("the admin token never becomes a cookie").isEqualTo(403);
        String writeOnly = mint("{\"run\":\"" + RUN_A + "\",\"scopes\":[\"write\"],\"ttlSeconds\":60}");
        assertThat(send(post("/v1/runs/" + RUN_A + "/session", ""), "Bearer " + writeOnly).statusCode())
                .isEqualTo(403);
        assertThat(send(get("/v1/runs/" + RUN_A).header("Cookie", "runstream_token=" + ADMIN), null).statusCode())
                .as("the admin token is not read from a cookie").isEqualTo(401);
    }

    @Test
    void shouldStillLetTheAdminTokenReachEveryRoute() throws Exception {
        String admin = "Bearer " + ADMIN;
        assertThat(send(get("/v1/runs"), admin).statusCode()).isEqualTo(200);
        assertThat(send(get("/v1/runs/" + RUN_B), admin).statusCode()).isEqualTo(200);
        assertThat(send(get("/v1/runs/" + RUN_B + "/stream"), admin).statusCode()).isEqualTo(200);
        assertThat(send(get("/metrics"), admin).statusCode()).isEqualTo(200);
        assertThat(send(post("/v1/runs/tok-admin/chunks", body("tok-admin")), admin).statusCode()).isEqualTo(200);
        await().atMost(PATIENCE).until(() -> send(delete("/v1/runs/tok-admin"), admin).statusCode() == 200);
        assertThat(send(get("/health"), null).statusCode()).isIn(200, 503);
        assertThat(send(get("/v1/runs/" + RUN_A), null).statusCode()).isEqualTo(401);
        for (String path : List.of("/v1/runs", "/v1/runs/" + RUN_A, "/v1/runs/" + RUN_A + "/stream", "/metrics",
                "/v1/tokens")) {
            for (String method : List.of("HEAD", "OPTIONS", "PUT", "PATCH")) {
                HttpResponse<String> other = send(HttpRequest.newBuilder(instance.uri(path)).timeout(PATIENCE)
                        .method(method, HttpRequest.BodyPublishers.noBody()), null);
                assertThat(other.statusCode()).as(method + " " + path).isIn(401, 404, 405);
            }
        }
    }

    @Test
    void shouldRefuseABadMintRequestNamingTheField() throws Exception {
        Map<String, String> bad = Map.of(
                "{\"run\":\"" + RUN_A + "\",\"scopes\":[\"read\"]}", "ttlSeconds",
                "{\"run\":\"" + RUN_A + "\",\"scopes\":[\"read\"],\"ttlSeconds\":99999999}", "ttlSeconds",
                "{\"run\":\"" + RUN_A + "\",\"scopes\":[\"admin\"],\"ttlSeconds\":60}", "scopes",
                "{\"run\":\"" + RUN_A + "\",\"scopes\":[],\"ttlSeconds\":60}", "scopes",
                "{\"run\":\"a\",\"runPrefix\":\"a-\",\"scopes\":[\"read\"],\"ttlSeconds\":60}", "run",
                "{\"runPrefix\":\"tok\",\"scopes\":[\"read\"],\"ttlSeconds\":60}", "runPrefix",
                "{\"run\":\"../etc\",\"scopes\":[\"read\"],\"ttlSeconds\":60}", "run",
                "{\"run\":\"" + RUN_A + "\",\"scopes\":[\"read\"],\"ttlSeconds\":60,\"admin\":true}", "admin",
                "{\"run\":\"" + RUN_A + "\",\"scopes\":[\"read\"],\"ttlSeconds\":60,\"notBefore\":\"soon\"}",
                "notBefore");
        for (Map.Entry<String, String> request : bad.entrySet()) {
            HttpResponse<String> reply = send(post("/v1/tokens", request.getKey()), "Bearer " + ADMIN);
            assertThat(reply.statusCode()).as(request.getKey() + " -> " + reply.body()).isEqualTo(400);
            assertThat(Corpus.parse(reply.body()).path("details").path("field").asText())
                    .as(request.getKey()).isEqualTo(request.getValue());
        }
        assertThat(send(post("/v1/tokens", "not json"), "Bearer " + ADMIN).statusCode()).isEqualTo(400);
        assertThat(send(post("/v1/tokens", "{}"), null).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldNeverWriteATokenOrKeyToTheLog() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeOutputStream(original, captured), true, StandardCharsets.UTF_8));
        String token;
        try {
            token = mint("{\"run\":\"" + RUN_A + "\",\"scopes\":[\"read\"],\"ttlSeconds\":60}");
            send(get("/v1/runs/" + RUN_A), "Bearer " + token);
            send(get("/v1/runs/" + RUN_A), "Bearer " + token + "x");
            send(get("/v1/runs/" + RUN_B), "Bearer " + token);
            send(get("/v1/runs/" + RUN_A), "Bearer " + ADMIN + "x");
            send(post("/v1/runs/" + RUN_A + "/session", ""), "Bearer " + token);
            http.send(get("/v1/runs/" + RUN_A + "/stream").header("Cookie", "runstream_token=" + token + "x").build(),
                    HttpResponse.BodyHandlers.ofString());
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the mint is logged by its id").contains("Minted token ");
        assertThat(log).doesNotContain(token.split("\\.")[2], token.split("\\.")[3], ADMIN, KEY, PREVIOUS);
    }

    /** Writes to both streams. */
    private static final class TeeOutputStream extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        TeeOutputStream(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private String mint(String request) throws Exception {
        HttpResponse<String> reply = send(post("/v1/tokens", request), "Bearer " + ADMIN);
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(201);
        JsonNode body = Corpus.parse(reply.body());
        assertThat(Instant.parse(body.get("expiresAt").asText())).isAfter(Instant.now());
        return body.get("token").asText();
    }

    private static TokenClaims claims(String run, Instant notBefore, Instant expiresAt) {
        return new TokenClaims(TokenSigner.newTokenId(), RunSelector.exactly(run), EnumSet.of(Scope.READ), notBefore,
                expiresAt);
    }

    private static String body(String runId) {
        List<Chunk> chunks = Corpus.chunksAs("agent-text", "chunks.ndjson", runId);
        return chunks.stream().map(MastraChunkCodec::encode).collect(Collectors.joining("\n", "", "\n"));
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(instance.uri(path)).timeout(PATIENCE).GET();
    }

    private HttpRequest.Builder delete(String path) {
        return HttpRequest.newBuilder(instance.uri(path)).timeout(PATIENCE).DELETE();
    }

    private HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(instance.uri(path)).timeout(PATIENCE)
                .header("Content-Type", path.endsWith("/chunks") ? "application/x-ndjson" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String authorization)
            throws IOException, InterruptedException {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String code(HttpResponse<String> reply) {
        return Corpus.parse(reply.body()).path("code").asText();
    }
}
