package dev.runstream.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.core.testing.Corpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets never reach logs or files: {@code serve} and {@code publish} run as real processes, every logger at INFO
 * (Kafka's clients print their whole configuration there) and Runstream's at DEBUG, against a broker that takes
 * SASL/PLAIN only and a registry that takes basic auth or a bearer token only, so the secrets are used for real -- and
 * through {@code kafka.*} pass-through, by every client: the publisher's producer, consumer and admin, the
 * aggregator's Kafka Streams clients, the registry kept in Kafka, the CLI readers. Their output and
 * {@code connection.properties} must not hold any of the secrets, nor the basic-auth header built from one.
 */
class SecretsInLogsIT {

    private static final String SASL_PASSWORD = "sasl-S3cr3t-4f2a";
    private static final String REGISTRY_PASSWORD = "registry-S3cr3t-7b1c";
    private static final String BEARER_TOKEN = "bearer-S3cr3t-9d3e";
    private static final String SSL_KEY_PASSWORD = "sslkey-S3cr3t-1a2b";
    private static final String KEYSTORE_PASSWORD = "keystore-S3cr3t-3c4d";
    private static final String TRUSTSTORE_PASSWORD = "truststore-S3cr3t-5e6f";
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
            ("svc:" + REGISTRY_PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final List<String> SECRETS = List.of(SASL_PASSWORD, REGISTRY_PASSWORD, BEARER_TOKEN,
            SSL_KEY_PASSWORD, KEYSTORE_PASSWORD, TRUSTSTORE_PASSWORD, BASIC.substring("Basic ".length()));

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker broker;
    private AuthenticatedRegistryServer registry;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (Process process : processes) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** The settings every command needs to reach the SASL-only broker, plus TLS secrets no client uses here. */
    private static List<String> kafkaSecrets() {
        return List.of(
                "--config", "kafka.security.protocol=SASL_PLAINTEXT",
                "--config", "kafka.sasl.mechanism=PLAIN",
                "--config", "kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
                        + "required username=\"svc\" password=\"" + SASL_PASSWORD + "\";",
                "--config", "kafka.ssl.key.password=" + SSL_KEY_PASSWORD,
                "--config", "kafka.producer.ssl.keystore.password=" + KEYSTORE_PASSWORD,
                "--config", "kafka.streams.ssl.truststore.password=" + TRUSTSTORE_PASSWORD);
    }

    @Test
    void shouldKeepEverySecretOutOfLogsAndTheConnectionFile() throws Exception {
        broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka"))
                .brokerProperty("listener.security.protocol.map", "PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT")
                .brokerProperty("sasl.enabled.mechanisms", "PLAIN")
                .brokerProperty("sasl.mechanism.inter.broker.protocol", "PLAIN")
                .brokerProperty("listener.name.plaintext.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" "
                                + "password=\"broker-pw\" user_broker=\"broker-pw\" user_svc=\"" + SASL_PASSWORD
                                + "\";")
                .build().start();
        registry = new AuthenticatedRegistryServer(Set.of(BASIC, "Bearer " + BEARER_TOKEN));
        Path data = dir.resolve("data");

        List<String> serve = new ArrayList<>(List.of("serve", "--data-dir", data.toString(), "--bootstrap-servers",
                broker.bootstrapServers(), "--schema-registry-url", registry.url(), "--port", "0",
                "--prefix", "secrets", "--config", "schema.registry.basic.auth.user.info=svc:" + REGISTRY_PASSWORD));
        serve.addAll(kafkaSecrets());
        Process server = start("serve", serve);
        await().atMost(Duration.ofSeconds(120)).until(() -> !server.isAlive()
                || Files.readString(dir.resolve("serve.out")).contains("Connection written to"));
        assertThat(server.isAlive()).as("serve runs; its output is in %s", dir).isTrue();

        Path chunks = Files.writeString(dir.resolve("run.ndjson"),
                Corpus.text("agent-text", "chunks.ndjson").replace(Corpus.RUN_ID, "secret-run"));
        List<String> publish = new ArrayList<>(List.of("publish", "--data-dir", data.toString(),
                "--run-id", "secret-run", "--config", "schema.registry.bearer.token=" + BEARER_TOKEN));
        publish.addAll(kafkaSecrets());
        publish.add(chunks.toString());
        Process publisher = start("publish", publish);
        assertThat(publisher.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(publisher.exitValue()).as(Files.readString(dir.resolve("publish.err"))).isZero();

        List<String> summary = new ArrayList<>(List.of("summary", "--data-dir", data.toString(),
                "--config", "schema.registry.basic.auth.user.info=svc:" + REGISTRY_PASSWORD));
        summary.addAll(kafkaSecrets());
        summary.add("secret-run");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            CliRun run = CliRun.of(summary.toArray(String[]::new));
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("\"status\":\"success\"");
        });
        server.destroy();
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(registry.authorizations()).as("the registry secrets were used").contains(BASIC,
                "Bearer " + BEARER_TOKEN);
        String logs = Files.readString(dir.resolve("serve.out")) + Files.readString(dir.resolve("serve.err"))
                + Files.readString(dir.resolve("publish.out")) + Files.readString(dir.resolve("publish.err"));
        assertThat(logs).as("Kafka's clients printed their configuration, secrets masked")
                .contains("sasl.jaas.config = [hidden]").contains("ssl.key.password = [hidden]");
        for (String secret : SECRETS) {
            assertThat(logs).as("logs of serve and publish").doesNotContain(secret);
        }
        Path connection = data.resolve(ConnectionOptions.CONNECTION_FILE);
        String written = Files.readString(connection);
        for (String secret : SECRETS) {
            assertThat(written).as("connection.properties").doesNotContain(secret);
        }
        Properties properties = new Properties();
        properties.load(Files.newBufferedReader(connection));
        assertThat(properties.stringPropertyNames()).as("what serve shares with the other commands")
                .containsExactlyInAnyOrder("bootstrap.servers", "prefix", "schema.registry.url", "source.mode",
                        "run.layout");
        System.out.printf("SecretsInLogsIT: %d secrets, %d lines of serve and publish output at INFO/DEBUG, none "
                + "there nor in %s%n", SECRETS.size(), logs.lines().count(), ConnectionOptions.CONNECTION_FILE);
    }

    /** {@code runstream <args>} in a JVM of its own, output to {@code <name>.out} and {@code <name>.err}. */
    private Process start(String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.runstream",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info",
                "-Dorg.slf4j.simpleLogger.log.kafka=info",
                "-Dorg.slf4j.simpleLogger.log.dev.runstream=debug",
                RunstreamCli.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
        processes.add(process);
        return process;
    }
}
