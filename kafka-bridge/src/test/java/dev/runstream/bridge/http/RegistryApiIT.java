package dev.runstream.bridge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import dev.runstream.bridge.registry.ConfluentRestSchemaRegistryClient;
import dev.runstream.bridge.registry.IncompatibleSchemaException;
import dev.runstream.bridge.registry.SchemaNotFoundException;
import dev.runstream.bridge.serde.ConfluentWireFormat;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.ChunkBodyFormat;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.json.Json;
import dev.runstream.core.testing.ChunkBodies;
import dev.runstream.core.testing.Corpus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded registry served over the Confluent Schema Registry REST API, on a real bridge (ephemeral loopback
 * port, bearer auth on) over the real embedded broker: every route and error code, the project's own Confluent REST
 * client against it, and records of every topic decoded with writer schemas fetched from it alone.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryApiIT {

    private static final String TOKEN = "registry-it-token";
    private static final String V1 = "application/vnd.schemaregistry.v1+json";
    private static final Schema ORDER_V1 = SchemaBuilder.record("Order").namespace("it.registry").fields()
            .requiredString("id").endRecord();
    private static final Schema ORDER_V2 = SchemaBuilder.record("Order").namespace("it.registry").fields()
            .requiredString("id").name("note").type().stringType().stringDefault("").endRecord();
    private static final Schema ORDER_BREAKING = SchemaBuilder.record("Order").namespace("it.registry").fields()
            .requiredString("id").requiredLong("mandatory").endRecord();

    private final EmbeddedKafkaBroker broker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private BridgeInstance instance;

    @TempDir
    static Path stateDir;

    RegistryApiIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeAll
    void start() {
        instance = new BridgeInstance(broker, "registryit", stateDir.resolve("a"), Map.of(
                BridgeConfig.AUTH_TOKEN_CONFIG, TOKEN, "run.topic.delete.after.ms", -1L));
    }

    @AfterAll
    void stop() {
        if (instance != null) {
            instance.close();
        }
    }

    @Test
    void shouldRefuseRequestsWithoutTheTokenInConfluentsErrorShape() throws Exception {
        for (String token : new String[] {null, "wrong"}) {
            HttpResponse<String> reply = send("GET", "/subjects", null, null, token);

            assertThat(reply.statusCode()).isEqualTo(401);
            assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(V1));
            assertThat(json(reply).get("error_code").asInt()).isEqualTo(401);
            assertThat(json(reply).get("message").asText()).isNotBlank();
        }
        assertThat(send("GET", "/subjects", null, null, TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRegisterLookUpCheckCompatibilityAndConfigureLikeConfluent() throws Exception {
        String subject = "it.registry.Order-flow";
        assertThat(json(get("/schemas/types"))).containsExactly(Json.NODES.textNode("AVRO"));

        int v1 = json(expect(200, post("/subjects/" + subject + "/versions", schemaBody(ORDER_V1)))).get("id").asInt();
        assertThat(json(post("/subjects/" + subject + "/versions", schemaBody(ORDER_V1))).get("id").asInt())
                .as("the same schema again keeps its id").isEqualTo(v1);
        assertThat(parse(json(get("/schemas/ids/" + v1)).get("schema").asText())).isEqualTo(ORDER_V1);
        assertThat(parse(json(get("/schemas/ids/" + v1 + "?subject=" + subject + "-value")).get("schema").asText()))
                .isEqualTo(ORDER_V1);
        assertThat(parse(get("/schemas/ids/" + v1 + "/schema").body())).isEqualTo(ORDER_V1);
        assertThat(json(get("/schemas/ids/" + v1 + "/subjects"))).containsExactly(Json.NODES.textNode(subject));
        assertThat(json(get("/schemas/ids/" + v1 + "/versions")).get(0).get("version").asInt()).isEqualTo(1);
        assertThat(json(get("/subjects"))).contains(Json.NODES.textNode(subject));
        assertThat(json(get("/subjects/" + subject + "/versions")).toString()).isEqualTo("[1]");

        int v2 = json(expect(200, post("/subjects/" + subject + "/versions", schemaBody(ORDER_V2)))).get("id").asInt();
        assertThat(v2).isGreaterThan(v1);
        assertThat(json(get("/subjects/" + subject + "/versions")).toString()).isEqualTo("[1,2]");
        JsonNode latest = json(get("/subjects/" + subject + "/versions/latest"));
        assertThat(latest.get("subject").asText()).isEqualTo(subject);
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(latest.get("id").asInt()).isEqualTo(v2);
        assertThat(parse(latest.get("schema").asText())).isEqualTo(ORDER_V2);
        assertThat(json(get("/subjects/" + subject + "/versions/-1")).get("version").asInt()).isEqualTo(2);
        assertThat(json(get("/subjects/" + subject + "/versions/1")).get("id").asInt()).isEqualTo(v1);
        assertThat(parse(get("/subjects/" + subject + "/versions/1/schema").body())).isEqualTo(ORDER_V1);

        JsonNode found = json(expect(200, post("/subjects/" + subject, schemaBody(ORDER_V1))));
        assertThat(found.get("version").asInt()).isEqualTo(1);
        assertThat(found.get("id").asInt()).isEqualTo(v1);

        String compatibility = "/compatibility/subjects/" + subject + "/versions/";
        assertThat(json(post(compatibility + "latest", schemaBody(ORDER_V1))).get("is_compatible").asBoolean())
                .as("BACKWARD: v1 reads what v2 wrote").isTrue();
        assertThat(json(post(compatibility + "latest", schemaBody(ORDER_BREAKING))).get("is_compatible").asBoolean())
                .as("BACKWARD: a new required field without default").isFalse();
        JsonNode verbose = json(post(compatibility + "latest?verbose=true", schemaBody(ORDER_BREAKING)));
        assertThat(verbose.get("messages")).isNotEmpty();
        assertThat(json(post(compatibility + "1?verbose=true", schemaBody(ORDER_V2))).get("messages")).isEmpty();
        assertThat(json(post("/compatibility/subjects/" + subject + "/versions", schemaBody(ORDER_BREAKING)))
                .get("is_compatible").asBoolean()).isFalse();
        assertThat(json(post("/compatibility/subjects/it.registry.New/versions/latest", schemaBody(ORDER_BREAKING)))
                .get("is_compatible").asBoolean()).as("a subject without versions takes anything").isTrue();
        assertError(post("/subjects/" + subject + "/versions", schemaBody(ORDER_BREAKING)), 409, 409);

        assertThat(json(get("/config")).get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertError(get("/config/" + subject), 404, 40408);
        assertThat(json(get("/config/" + subject + "?defaultToGlobal=true")).get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");
        assertThat(json(put("/config/" + subject, "{\"compatibility\":\"none\"}")).get("compatibility").asText())
                .isEqualTo("NONE");
        assertThat(json(get("/config/" + subject)).get("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(json(expect(200, post("/subjects/" + subject + "/versions", schemaBody(ORDER_BREAKING))))
                .get("id").asInt()).as("NONE takes the breaking schema").isGreaterThan(v2);
        assertThat(json(send("DELETE", "/config/" + subject, null, null, TOKEN)).get("compatibilityLevel").asText())
                .isEqualTo("NONE");
        assertError(get("/config/" + subject), 404, 40408);
        assertError(send("DELETE", "/config/" + subject, null, null, TOKEN), 404, 40401);
        assertThat(json(put("/config", "{\"compatibility\":\"FULL_TRANSITIVE\"}")).get("compatibility").asText())
                .isEqualTo("FULL_TRANSITIVE");
        assertThat(json(get("/config")).get("compatibilityLevel").asText()).isEqualTo("FULL_TRANSITIVE");
        assertThat(json(send("DELETE", "/config", null, null, TOKEN)).get("compatibilityLevel").asText())
                .isEqualTo("FULL_TRANSITIVE");
        assertThat(json(get("/config")).get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    }

    @Test
    void shouldAnswerConfluentsErrorCodesAndStatuses() throws Exception {
        String subject = "it.registry.Order-errors";
        expect(200, post("/subjects/" + subject + "/versions", schemaBody(ORDER_V1)));

        assertError(get("/subjects/it.registry.Missing/versions"), 404, 40401);
        assertError(get("/subjects/it.registry.Missing/versions/latest"), 404, 40401);
        assertError(post("/subjects/it.registry.Missing", schemaBody(ORDER_V1)), 404, 40401);
        assertError(get("/subjects/" + subject + "/versions/7"), 404, 40402);
        assertError(post("/compatibility/subjects/" + subject + "/versions/7", schemaBody(ORDER_V1)), 404, 40402);
        assertError(get("/schemas/ids/999999"), 404, 40403);
        assertError(get("/schemas/ids/999999/schema"), 404, 40403);
        assertError(get("/schemas/ids/999999/subjects"), 404, 40403);
        assertError(post("/subjects/" + subject, schemaBody(ORDER_V2)), 404, 40403);
        assertError(post("/subjects/" + subject + "/versions", "{\"schema\":\"{\\\"type\\\":\\\"recrd\\\"}\"}"), 422, 42201);
        assertError(post("/subjects/" + subject + "/versions", "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}"), 422, 42201);
        assertError(post("/subjects/" + subject + "/versions", "{}"), 422, 42201);
        assertError(post("/compatibility/subjects/" + subject + "/versions/latest", "{\"schema\":\"nope\"}"), 422, 42201);
        assertThat(json(post("/compatibility/subjects/" + subject + "/versions/latest?verbose=true", "{\"schema\":\"nope\"}"))
                .get("is_compatible").asBoolean()).as("verbose reports an invalid schema as a message").isFalse();
        assertError(get("/subjects/" + subject + "/versions/0"), 422, 42202);
        assertError(get("/subjects/" + subject + "/versions/first"), 422, 42202);
        assertError(put("/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
        assertError(put("/config/" + subject, "{\"compatibility\":3}"), 422, 42203);
        assertError(send("DELETE", "/subjects/" + subject, null, null, TOKEN), 422, 42205);
        assertError(send("DELETE", "/subjects/" + subject + "/versions/1", null, null, TOKEN), 422, 42205);
        assertError(send("POST", "/subjects/" + subject + "/versions", "text/plain", schemaBody(ORDER_V1), TOKEN), 415, 415);
        assertError(send("POST", "/subjects/" + subject + "/versions", V1, "{not json", TOKEN), 400, 400);
        assertError(get("/schemas/ids/abc"), 404, 404);
        assertError(get("/no/such/route"), 404, 404);
        assertThat(json(get("")).isObject()).as("the root answers {}").isTrue();
        for (String type : List.of("application/vnd.schemaregistry+json", "application/json",
                "application/octet-stream", V1 + "; charset=utf-8")) {
            assertThat(send("POST", "/subjects/" + subject, type, schemaBody(ORDER_V1), TOKEN).statusCode())
                    .as(type).isEqualTo(200);
        }
    }

    @Test
    void shouldRoundTripWithTheProjectsOwnConfluentRestClient() throws Exception {
        String subject = "it.registry.Order-client";
        try (ConfluentRestSchemaRegistryClient client = ConfluentRestSchemaRegistryClient
                .builder(instance.node().registryUrl()).bearerToken(TOKEN).build()) {
            int v1 = client.register(subject, ORDER_V1);

            assertThat(json(get("/subjects/" + subject + "/versions/1")).get("id").asInt()).isEqualTo(v1);
            assertThat(client.idOf(subject, ORDER_V1)).isEqualTo(v1);
            assertThat(client.isCompatible(subject, ORDER_V2)).isTrue();
            assertThat(client.isCompatible(subject, ORDER_BREAKING)).isFalse();
            assertThat(client.isCompatible("it.registry.Unknown", ORDER_BREAKING)).isTrue();
            assertThatThrownBy(() -> client.register(subject, ORDER_BREAKING))
                    .isInstanceOf(IncompatibleSchemaException.class);
            assertThatThrownBy(() -> client.idOf(subject, ORDER_V2))
                    .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
            assertThatThrownBy(() -> client.schemaById(999_999))
                    .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));

            int v2 = json(post("/subjects/" + subject + "/versions", schemaBody(ORDER_V2))).get("id").asInt();
            assertThat(client.schemaById(v2)).as("registered over HTTP, read by the client").isEqualTo(ORDER_V2);
        }
    }

    @Test
    void shouldDecodeRecordsOfARunTopicTheChangelogAndTheSummariesWithWriterSchemasFetchedFromTheApi()
            throws Exception {
        String runId = "registry-decode-run";
        List<Chunk> chunks = Corpus.chunksAs("agent-tool", "chunks.ndjson", runId);
        HttpResponse<String> ingest = http.send(HttpRequest.newBuilder(instance.uri("/v1/runs/" + runId + "/chunks"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", ChunkBodies.mediaType(ChunkBodyFormat.NDJSON))
                .POST(HttpRequest.BodyPublishers.ofByteArray(ChunkBodies.render(chunks, ChunkBodyFormat.NDJSON)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(200);
        List<Chunk> persisted = chunks.stream().filter(chunk -> !chunk.isTransient()).toList();
        var topics = instance.config.topics();

        List<GenericRecord> runTopic = decodedValues(topics.runTopic(runId), key -> true, chunks.size());
        List<GenericRecord> changelog = decodedValues(topics.chunks(), key -> key.startsWith(runId + "/"),
                persisted.size());
        List<GenericRecord> summaries = decodedUntil(topics.runSummaries(), runId::equals, records -> !records.isEmpty()
                && (Long) records.getLast().get("lastSequence") == chunks.size() - 1);

        assertThat(runTopic).extracting(r -> String.valueOf(r.get("type")))
                .containsExactlyElementsOf(chunks.stream().map(Chunk::type).toList());
        assertThat(runTopic).extracting(r -> (Long) r.get("sequence")).startsWith(0L, 1L, 2L);
        assertThat(changelog).extracting(r -> String.valueOf(r.get("type")))
                .containsExactlyElementsOf(persisted.stream().map(Chunk::type).toList());
        GenericRecord summary = summaries.getLast();
        assertThat(String.valueOf(summary.get("runId"))).isEqualTo(runId);
        assertThat((Long) summary.get("lastSequence")).isEqualTo(chunks.size() - 1L);
        assertThat(String.valueOf(summary.get("status"))).isEqualTo(RunStatus.SUCCESS.jsonName());
        assertThat(summary.getSchema().getFullName()).isEqualTo("dev.runstream.avro.RunSummary");
    }

    /** The values of records with matching keys, decoded with the writer schema of the id in each frame, fetched over HTTP. */
    private List<GenericRecord> decodedValues(String topic, Predicate<String> key, int count) {
        return decodedUntil(topic, key, records -> records.size() >= count);
    }

    private List<GenericRecord> decodedUntil(String topic, Predicate<String> key, Predicate<List<GenericRecord>> done) {
        Map<String, Object> props = Map.of("bootstrap.servers", broker.bootstrapServers(),
                "isolation.level", "read_committed", "enable.auto.commit", false);
        List<GenericRecord> decoded = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !consumer.partitionsFor(topic).isEmpty());
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && key.test(record.key()) && record.value() != null) {
                        decoded.add(decode(record.value()));
                    }
                }
                return done.test(decoded);
            });
        }
        return decoded;
    }

    private GenericRecord decode(byte[] value) throws Exception {
        ConfluentWireFormat.Frame frame = ConfluentWireFormat.decode(value);
        Schema writer = parse(json(get("/schemas/ids/" + frame.schemaId())).get("schema").asText());
        return new GenericDatumReader<GenericRecord>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(frame.bodyBytes(), null));
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = Json.object();
        body.put("schema", schema.toString());
        return Json.write(body);
    }

    private static Schema parse(String text) {
        return new Schema.Parser().parse(text);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null, null, TOKEN);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send("POST", path, V1, body, TOKEN);
    }

    private HttpResponse<String> put(String path, String body) throws Exception {
        return send("PUT", path, V1, body, TOKEN);
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(instance.node().registryUrl() + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> expect(int status, HttpResponse<String> reply) {
        assertThat(reply.statusCode()).as(reply.request().method() + " " + reply.uri() + ": " + reply.body())
                .isEqualTo(status);
        return reply;
    }

    private static void assertError(HttpResponse<String> reply, int status, int errorCode) {
        expect(status, reply);
        assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(V1));
        JsonNode body = json(reply);
        assertThat(body.get("error_code").asInt()).as(reply.body()).isEqualTo(errorCode);
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(Set.copyOf(iterable(body))).containsExactlyInAnyOrder("error_code", "message");
    }

    private static List<String> iterable(JsonNode body) {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode json(HttpResponse<String> reply) {
        assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(V1));
        return Corpus.parse(reply.body());
    }
}
