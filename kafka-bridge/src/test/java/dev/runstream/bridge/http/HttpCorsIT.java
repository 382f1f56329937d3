package dev.runstream.bridge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** CORS on a real bridge (auth on, two allowed origins) over the real broker, with real preflight requests. */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpCorsIT {

    private static final String TOKEN = "cors-it-token";
    private static final String ALLOWED = "https://app.example";
    private static final String OTHER_ALLOWED = "http://localhost:5173";
    private static final String FOREIGN = "https://evil.example";

    private final EmbeddedKafkaBroker broker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private BridgeInstance instance;

    @TempDir
    static Path stateDir;

    HttpCorsIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeAll
    void start() {
        instance = new BridgeInstance(broker, "corsit", stateDir.resolve("a"), Map.of(
                BridgeConfig.AUTH_TOKEN_CONFIG, TOKEN,
                BridgeConfig.CORS_ALLOWED_ORIGINS_CONFIG, ALLOWED + ", " + OTHER_ALLOWED));
        // The run list answers 503 until the aggregator runs.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() ->
                instance.aggregator.streamsState() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
    }

    @AfterAll
    void stop() {
        if (instance != null) {
            instance.close();
        }
    }

    @Test
    void shouldAnswerPreflightsOfAllowedOriginsWithoutAuth() throws Exception {
        for (String[] route : List.of(
                new String[] {"/v1/runs/cors-run/chunks", "POST", "authorization, content-type, runstream-first-sequence"},
                new String[] {"/v1/runs/cors-run/stream", "GET", "authorization, last-event-id"},
                new String[] {"/registry/config/x", "PUT", "authorization, content-type"})) {
            for (String origin : List.of(ALLOWED, OTHER_ALLOWED)) {
                HttpResponse<String> reply = preflight(route[0], origin, route[1], route[2]);

                assertThat(reply.statusCode()).as(route[0] + " " + reply.body()).isEqualTo(204);
                HttpHeaders headers = reply.headers();
                assertThat(headers.firstValue("Access-Control-Allow-Origin")).contains(origin);
                assertThat(headers.allValues("Vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Origin"));
                assertThat(headers.firstValue("Access-Control-Allow-Methods").orElseThrow()).contains(route[1]);
                assertThat(headers.firstValue("Access-Control-Allow-Headers").orElseThrow().toLowerCase())
                        .contains("authorization", "content-type", "last-event-id", "runstream-first-sequence");
                assertThat(headers.firstValue("Access-Control-Max-Age")).isPresent();
                assertThat(headers.firstValue("WWW-Authenticate")).as("no auth on preflight").isEmpty();
            }
        }
    }

    @Test
    void shouldGiveDisallowedOriginsNoCorsHeaders() throws Exception {
        HttpResponse<String> preflight = preflight("/v1/runs/cors-run/chunks", FOREIGN, "POST", "authorization");

        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(preflight.headers().map().keySet()).noneSatisfy(name ->
                assertThat(name.toLowerCase()).startsWith("access-control-"));

        HttpResponse<String> get = send(HttpRequest.newBuilder(instance.uri("/v1/runs?limit=1"))
                .header("Origin", FOREIGN).header("Authorization", "Bearer " + TOKEN));
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().map().keySet()).noneSatisfy(name ->
                assertThat(name.toLowerCase()).startsWith("access-control-"));
    }

    @Test
    void shouldLetAllowedOriginsReadAnswersAndErrorsButStillRequireTheToken() throws Exception {
        HttpResponse<String> get = send(HttpRequest.newBuilder(instance.uri("/v1/runs?limit=1"))
                .header("Origin", ALLOWED).header("Authorization", "Bearer " + TOKEN));
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED);
        assertThat(get.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
                .contains("Retry-After", "WWW-Authenticate", "x-vercel-ai-ui-message-stream");

        HttpResponse<String> unauthorized = send(HttpRequest.newBuilder(instance.uri("/registry/subjects"))
                .header("Origin", ALLOWED));
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.headers().firstValue("Access-Control-Allow-Origin"))
                .as("the browser may read why").contains(ALLOWED);

        HttpResponse<String> noPreflightHeader = send(HttpRequest.newBuilder(instance.uri("/v1/runs"))
                .header("Origin", ALLOWED).method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(noPreflightHeader.statusCode()).as("OPTIONS without Access-Control-Request-Method is no "
                + "preflight: no route answers it").isEqualTo(404);
        assertThat(noPreflightHeader.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
    }

    @Test
    void shouldRefuseASettingThatIsNoOrigin() {
        for (String bad : List.of("https://app.example/path", "app.example", "ftp://app.example")) {
            assertThatThrownBy(() -> new BridgeConfig(Map.of(BridgeConfig.CORS_ALLOWED_ORIGINS_CONFIG, bad)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(BridgeConfig.CORS_ALLOWED_ORIGINS_CONFIG);
        }
        assertThat(new BridgeConfig(Map.of()).corsAllowedOrigins()).isEmpty();
        assertThat(new BridgeConfig(Map.of(BridgeConfig.CORS_ALLOWED_ORIGINS_CONFIG, "*")).corsAllowedOrigins())
                .containsExactly("*");
    }

    private HttpResponse<String> preflight(String path, String origin, String method, String headers) throws Exception {
        return send(HttpRequest.newBuilder(instance.uri(path))
                .header("Origin", origin)
                .header("Access-Control-Request-Method", method)
                .header("Access-Control-Request-Headers", headers)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
