package dev.runstream.bridge.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.bridge.registry.RecordingRegistryServer.Response;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfluentRestSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema CHUNK = SchemaBuilder.record("ChunkRecord").namespace("dev.runstream.avro").fields()
        .requiredString("runId").requiredLong("seq").endRecord();
    private static final String SUBJECT = "dev.runstream.avro.ChunkRecord";
    private static final String CT = "application/vnd.schemaregistry.v1+json";

    private RecordingRegistryServer server;
    private ConfluentRestSchemaRegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server = new RecordingRegistryServer("/apis/ccompat/v7");
        client = ConfluentRestSchemaRegistryClient.builder(server.baseUrl() + "/")
            .retries(2, Duration.ofMillis(10), Duration.ofMillis(50))
            .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void shouldRegisterWithTheConfluentRequestAndCacheBothWays() throws IOException {
        server.on("POST /subjects/" + SUBJECT + "/versions", new Response(200, "{\"id\": 7, \"extra\": \"tolerated\"}"));

        assertThat(client.register(SUBJECT, CHUNK)).isEqualTo(7);
        assertThat(client.register(SUBJECT, CHUNK)).isEqualTo(7);
        assertThat(client.idOf(SUBJECT, CHUNK)).isEqualTo(7);
        assertThat(client.schemaById(7)).isEqualTo(CHUNK);

        assertThat(server.requests()).hasSize(1);
        RecordingRegistryServer.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo("/apis/ccompat/v7/subjects/dev.runstream.avro.ChunkRecord/versions");
        assertThat(request.header("Content-Type")).isEqualTo(CT);
        assertThat(request.header("Accept")).startsWith(CT);
        assertThat(request.header("Authorization")).isNull();
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.path("schema").asText()).isEqualTo(CHUNK.toString());
        assertThat(new Schema.Parser().parse(body.path("schema").asText())).isEqualTo(CHUNK);
    }

    @Test
    void shouldFetchASchemaByIdOnceAndThenServeItFromCache() {
        server.on("GET /schemas/ids/12", new Response(200, "{\"schema\": " + JSON.valueToTree(CHUNK.toString()) + "}"));

        assertThat(client.schemaById(12)).isEqualTo(CHUNK);
        assertThat(client.schemaById(12)).isEqualTo(CHUNK);

        assertThat(server.requests()).extracting(RecordingRegistryServer.Request::path).containsExactly("/schemas/ids/12");
        assertThat(server.requests().get(0).method()).isEqualTo("GET");
    }

    @Test
    void shouldCallTheRegistryOnceWhenManyThreadsMissTheSameId() throws Exception {
        server.on("GET /schemas/ids/3", new Response(200, "{\"schema\": " + JSON.valueToTree(CHUNK.toString()) + "}"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Schema>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> client.schemaById(3));
            }
            for (Future<Schema> result : pool.invokeAll(calls)) {
                assertThat(result.get()).isEqualTo(CHUNK);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void shouldLookUpAnIdWithoutRegistering() throws IOException {
        server.on("POST /subjects/" + SUBJECT, new Response(200,
            "{\"subject\":\"" + SUBJECT + "\",\"id\":21,\"version\":3,\"schema\":" + JSON.valueToTree(CHUNK.toString()) + "}"));

        assertThat(client.idOf(SUBJECT, CHUNK)).isEqualTo(21);
        assertThat(client.idOf(SUBJECT, CHUNK)).isEqualTo(21);
        assertThat(client.register(SUBJECT, CHUNK)).isEqualTo(21);

        assertThat(server.requests()).hasSize(1);
        assertThat(JSON.readTree(server.requests().get(0).body()).path("schema").asText()).isEqualTo(CHUNK.toString());
    }

    @Test
    void shouldMapNotFoundAnswersToSchemaNotFoundWithTheirErrorCode() {
        server.on("GET /schemas/ids/99", new Response(404, "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}"));
        server.on("POST /subjects/" + SUBJECT, new Response(404, "{\"error_code\":40401,\"message\":\"Subject '" + SUBJECT + "' not found.\"}"));

        assertThatThrownBy(() -> client.schemaById(99))
            .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403))
            .hasMessageContaining("Schema 99 not found").hasMessageContaining("GET /schemas/ids/99");
        assertThatThrownBy(() -> client.idOf(SUBJECT, CHUNK))
            .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
        assertThatThrownBy(() -> client.schemaById(99)).isInstanceOf(SchemaNotFoundException.class);
        assertThat(server.requests()).hasSize(3); // failures are not cached
    }

    @Test
    void shouldMapConflictToIncompatibleSchema() {
        server.on("POST /subjects/" + SUBJECT + "/versions", new Response(409,
            "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}"));

        assertThatThrownBy(() -> client.register(SUBJECT, CHUNK))
            .isInstanceOf(IncompatibleSchemaException.class).hasMessageContaining("incompatible with an earlier schema");
        assertThat(server.requests()).hasSize(1); // a 4xx is not retried
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void shouldMapRefusedCredentialsToAuthException(int status) {
        server.on("GET /schemas/ids/1", new Response(status, "{\"error_code\":" + status + "01,\"message\":\"Unauthorized\"}"));

        assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(SchemaRegistryAuthException.class);
    }

    @Test
    void shouldRetryServerErrorsAndSucceed() {
        server.on("POST /subjects/" + SUBJECT + "/versions",
            new Response(500, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}"),
            new Response(503, "<html>Service Unavailable</html>"),
            new Response(200, "{\"id\": 5}"));

        assertThat(client.register(SUBJECT, CHUNK)).isEqualTo(5);
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void shouldGiveUpAfterTheBoundedRetries() {
        server.on("GET /schemas/ids/4", new Response(500, "{\"error_code\":50001,\"message\":\"store down\"}"));

        assertThatThrownBy(() -> client.schemaById(4))
            .isInstanceOf(SchemaRegistryUnavailableException.class)
            .hasMessageContaining("after 3 attempt(s)").hasMessageContaining("HTTP 500");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void shouldRetryConnectionFailuresThenReportUnavailable() {
        int port = java.net.URI.create(server.baseUrl()).getPort();
        server.close();
        try (ConfluentRestSchemaRegistryClient offline = ConfluentRestSchemaRegistryClient.builder("http://127.0.0.1:" + port)
            .retries(1, Duration.ofMillis(5), Duration.ofMillis(5)).build()) {
            assertThatThrownBy(() -> offline.schemaById(1))
                .isInstanceOf(SchemaRegistryUnavailableException.class).hasMessageContaining("after 2 attempt(s)");
        }
    }

    @Test
    void shouldAskCompatibilityOfTheLatestVersion() throws IOException {
        server.on("POST /compatibility/subjects/" + SUBJECT + "/versions/latest",
            new Response(200, "{\"is_compatible\": false, \"messages\": [\"READER_FIELD_MISSING_DEFAULT_VALUE\"]}"));

        assertThat(client.isCompatible(SUBJECT, CHUNK)).isFalse();
        RecordingRegistryServer.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Content-Type")).isEqualTo(CT);
        assertThat(JSON.readTree(request.body()).path("schema").asText()).isEqualTo(CHUNK.toString());
    }

    @Test
    void shouldTreatASubjectWithoutVersionsAsCompatible() {
        assertThat(client.isCompatible("no.such.Subject", CHUNK)).isTrue();
        assertThat(server.requests().get(0).path()).isEqualTo("/compatibility/subjects/no.such.Subject/versions/latest");
    }

    @Test
    void shouldEncodeSubjectsAsPathSegments() {
        server.on("POST /subjects/a%2Fb%20c/versions", new Response(200, "{\"id\": 1}"));

        client.register("a/b c", CHUNK);

        assertThat(server.requests().get(0).rawPath()).endsWith("/subjects/a%2Fb%20c/versions");
    }

    @Test
    void shouldSendBasicAuthAndMaskThePassword() {
        server.on("GET /schemas/ids/2", new Response(200, "{\"schema\": \"\\\"string\\\"\"}"));
        try (ConfluentRestSchemaRegistryClient authed = ConfluentRestSchemaRegistryClient.builder(server.baseUrl())
            .basicAuth("svc", "s3cret").build()) {
            assertThat(authed.schemaById(2).getType()).isEqualTo(Schema.Type.STRING);
            assertThat(server.requests().get(0).header("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("svc:s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(authed.toString()).contains("svc").doesNotContain("s3cret");
        }
    }

    @Test
    void shouldSendABearerTokenAndMaskIt() {
        server.on("GET /schemas/ids/2", new Response(200, "{\"schema\": \"\\\"long\\\"\"}"));
        try (ConfluentRestSchemaRegistryClient authed = ConfluentRestSchemaRegistryClient.builder(server.baseUrl())
            .bearerToken("tok-123").header("target-sr-cluster", "lsrc-1").build()) {
            authed.schemaById(2);
            assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Bearer tok-123");
            assertThat(server.requests().get(0).header("target-sr-cluster")).isEqualTo("lsrc-1");
            assertThat(authed.toString()).doesNotContain("tok-123").doesNotContain("lsrc-1");
        }
    }

    @Test
    void shouldRefuseNonAvroSchemasAndBadConfiguration() {
        server.on("GET /schemas/ids/8", new Response(200, "{\"schema\":\"syntax = 'proto3';\",\"schemaType\":\"PROTOBUF\"}"));

        assertThatThrownBy(() -> client.schemaById(8)).isInstanceOf(InvalidSchemaException.class).hasMessageContaining("PROTOBUF");
        assertThatThrownBy(() -> ConfluentRestSchemaRegistryClient.builder("ftp://x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfluentRestSchemaRegistryClient.builder("http://u:p@host:8081"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("u:p");
        assertThatThrownBy(() -> ConfluentRestSchemaRegistryClient.builder("http://h").basicAuth("u", "p").bearerToken("t").build())
            .isInstanceOf(IllegalArgumentException.class);
    }
}
