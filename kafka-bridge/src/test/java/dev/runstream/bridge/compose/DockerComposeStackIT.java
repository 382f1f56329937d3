package dev.runstream.bridge.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.bridge.cli.RunstreamCli;
import dev.runstream.core.testing.Corpus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The docker-compose stack's images, Apache Kafka and Confluent Schema Registry, with Runstream's CLI publishing the
 * corpus to them, and every record read back the way an independent consumer would: a plain {@link KafkaConsumer},
 * the writer schema fetched from the registry's REST API by the id in the Confluent framing, Avro's generic reader.
 * No project class decodes anything.
 *
 * <p>Needs a Docker engine; without one the class is skipped, not failed ({@code disabledWithoutDocker}). The CLI
 * runs in this JVM: the containers are the parts that Runstream does not own.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerComposeStackIT {

    /** The same tags as docker-compose.yml. */
    static final DockerImageName KAFKA_IMAGE = DockerImageName.parse("apache/kafka:4.3.1");
    static final DockerImageName SCHEMA_REGISTRY_IMAGE = DockerImageName.parse("confluentinc/cp-schema-registry:8.1.0");

    /** The registry reaches Kafka on this network alias and listener; the test reaches it on the mapped port. */
    private static final String KAFKA_INTERNAL_LISTENER = "kafka:19092";
    private static final int SCHEMA_REGISTRY_PORT = 8081;
    private static final String CHUNK_RECORD_SUBJECT = "dev.runstream.avro.ChunkRecord";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private static final Network NETWORK = Network.newNetwork();

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(KAFKA_IMAGE)
            .withNetwork(NETWORK)
            .withListener(KAFKA_INTERNAL_LISTENER)
            // As in docker-compose.yml: Runstream must create its topics itself.
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");

    @Container
    static final GenericContainer<?> SCHEMA_REGISTRY = new GenericContainer<>(SCHEMA_REGISTRY_IMAGE)
            .withNetwork(NETWORK)
            .withNetworkAliases("schema-registry")
            .withExposedPorts(SCHEMA_REGISTRY_PORT)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:" + SCHEMA_REGISTRY_PORT)
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://" + KAFKA_INTERNAL_LISTENER)
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR", "1")
            .dependsOn(KAFKA)
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(2)));

    static final List<String> SCENARIOS = Corpus.SCENARIOS;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Writer schemas by id, as a deserializer caches them. */
    private final Map<Integer, Schema> schemas = new HashMap<>();

    @ParameterizedTest(name = "{0}")
    @FieldSource("SCENARIOS")
    void shouldPublishEveryChunkOfTheScenarioReadableByAnIndependentAvroReader(String scenario, @TempDir Path dir)
            throws Exception {
        String runId = "compose-it-" + scenario;
        Path chunks = Files.write(dir.resolve("chunks.ndjson"), Corpus.bytes(scenario, "chunks.ndjson"));
        List<String> expectedTypes = Corpus.jsonLines(scenario, "chunks.ndjson").stream()
                .map(chunk -> chunk.get("type").asText())
                .toList();

        int exitCode = RunstreamCli.run("publish",
                "--bootstrap-servers", KAFKA.getBootstrapServers(),
                "--schema-registry-url", schemaRegistryUrl(),
                "--run-id", runId,
                chunks.toString());
        assertThat(exitCode).as("runstream publish exit code").isZero();

        List<GenericRecord> records = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : readWholeTopic("runstream.run." + runId)) {
            records.add(decode(record.value()));
        }

        assertThat(records).extracting(r -> r.get("type").toString()).containsExactlyElementsOf(expectedTypes);
        assertThat(records).extracting(r -> r.get("runId").toString()).containsOnly(runId);
        assertThat(records).extracting(r -> (Long) r.get("sequence"))
                .containsExactlyElementsOf(range(expectedTypes.size()));
        assertThat(schemas.values()).extracting(Schema::getFullName).containsOnly(CHUNK_RECORD_SUBJECT);
        // RecordNameStrategy: one subject per record type, never one per run topic.
        assertThat(subjects()).contains(CHUNK_RECORD_SUBJECT).noneMatch(subject -> subject.contains(runId));
    }

    /** Every record of a single-partition topic, from offset 0 to the end offset it has once the publisher is done. */
    private static List<ConsumerRecord<byte[], byte[]>> readWholeTopic(String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            Awaitility.await("all of " + topic + " up to offset " + end)
                    .atMost(READ_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    // A KafkaConsumer belongs to one thread: never poll it from Awaitility's own.
                    .pollInSameThread()
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(500)).records(partition).forEach(records::add);
                        return consumer.position(partition) >= end;
                    });
        }
        return records;
    }

    /** Confluent framing by hand: magic byte 0, a 4-byte big-endian schema id, then Avro binary. */
    private GenericRecord decode(byte[] value) throws IOException {
        assertThat(value).as("record value").isNotNull().hasSizeGreaterThan(5);
        ByteBuffer buffer = ByteBuffer.wrap(value);
        assertThat(buffer.get()).as("magic byte").isZero();
        Schema writer = writerSchema(buffer.getInt());
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null);
        GenericRecord record = new GenericDatumReader<GenericRecord>(writer).read(null, decoder);
        assertThat(decoder.isEnd()).as("the Avro body fills the record value exactly").isTrue();
        return record;
    }

    private Schema writerSchema(int id) throws IOException {
        Schema known = schemas.get(id);
        if (known != null) {
            return known;
        }
        JsonNode response = getJson("/schemas/ids/" + id);
        // Avro is the registry's default type: the response then has no schemaType.
        assertThat(response.path("schemaType").asText("AVRO")).as("schema %d type", id).isEqualTo("AVRO");
        Schema schema = new Schema.Parser().parse(response.get("schema").asText());
        schemas.put(id, schema);
        return schema;
    }

    private static List<String> subjects() throws IOException {
        List<String> subjects = new ArrayList<>();
        getJson("/subjects").forEach(subject -> subjects.add(subject.asText()));
        return subjects;
    }

    private static JsonNode getJson(String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(schemaRegistryUrl() + path))
                .header("Accept", "application/vnd.schemaregistry.v1+json")
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling GET " + path, e);
        }
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String schemaRegistryUrl() {
        return "http://" + SCHEMA_REGISTRY.getHost() + ":" + SCHEMA_REGISTRY.getMappedPort(SCHEMA_REGISTRY_PORT);
    }

    private static List<Long> range(int size) {
        List<Long> numbers = new ArrayList<>(size);
        for (long i = 0; i < size; i++) {
            numbers.add(i);
        }
        return numbers;
    }
}
