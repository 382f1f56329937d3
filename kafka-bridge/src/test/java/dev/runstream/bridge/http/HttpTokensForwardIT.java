package dev.runstream.bridge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.http.internal.auth.RunSelector;
import dev.runstream.bridge.http.internal.auth.Scope;
import dev.runstream.bridge.http.internal.auth.SigningKey;
import dev.runstream.bridge.http.internal.auth.TokenClaims;
import dev.runstream.bridge.http.internal.auth.TokenSigner;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.testing.Corpus;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A summary asked of the instance that does not hold it is forwarded to its owner with the caller's credential: the
 * session cookie as well as the header.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class HttpTokensForwardIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String ADMIN = "admin-S3cr3t-forward";
    private static final String KEY = "Zm9yd2FyZC1mb3J3YXJkLWZvcndhcmQtZm9yd2FyZC0=";

    private final EmbeddedKafkaBroker broker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    HttpTokensForwardIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    void shouldForwardASummaryReadWithTheSessionCookieToItsOwner(@TempDir Path state) throws Exception {
        Map<String, Object> auth = Map.of(BridgeConfig.AUTH_TOKEN_CONFIG, ADMIN, BridgeConfig.AUTH_SIGNING_KEY_CONFIG,
                KEY);
        try (BridgeInstance first = new BridgeInstance(broker, "httpit-tokfwd", state.resolve("a"), auth);
                BridgeInstance second = new BridgeInstance(broker, "httpit-tokfwd", state.resolve("b"), auth)) {
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String run = "fwd-" + i;
                runs.add(run);
                String body = Corpus.chunksAs("agent-text", "chunks.ndjson", run).stream()
                        .map(MastraChunkCodec::encode).collect(Collectors.joining("\n", "", "\n"));
                HttpResponse<String> ingest = http.send(HttpRequest.newBuilder(first.uri("/v1/runs/" + run + "/chunks"))
                        .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(200);
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            TokenSigner signer = new TokenSigner(SigningKey.fromBase64(KEY));
            HostInfo secondHost = second.node().bridge().advertised();
            List<String> forwarded = new ArrayList<>();
            for (String run : runs) {
                String token = signer.sign(new TokenClaims(TokenSigner.newTokenId(), RunSelector.exactly(run),
                        EnumSet.of(Scope.READ), now.minusSeconds(5), now.plusSeconds(600)));
                await().atMost(PATIENCE).untilAsserted(() -> {
                    for (BridgeInstance asked : List.of(first, second)) {
                        HttpResponse<String> reply = http.send(HttpRequest.newBuilder(asked.uri("/v1/runs/" + run))
                                .header("Cookie", "app_session=not-for-runstream; runstream_token=" + token).build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertThat(reply.statusCode()).as(run + ": " + reply.body()).isEqualTo(200);
                    }
                });
                if (first.aggregator.ownerOf(run).filter(owner -> !owner.equals(secondHost)).isPresent()) {
                    forwarded.add(run);
                }
            }
            assertThat(forwarded).as("runs the second instance had to forward").isNotEmpty();
        }
    }
}
