package dev.runstream.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.bridge.aggregate.internal.AggregatorProperties;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

/**
 * TLS and SASL settings reach every kind of Kafka client through {@code kafka.*} (and one kind through
 * {@code kafka.<kind>.*}), and the configuration's own dumps show no secret.
 */
class RunstreamConfigSecretsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"svc\" password=\"jaas-S3cr3t\";";

    private static RunstreamConfig config() {
        return new RunstreamConfig(Map.ofEntries(
                Map.entry(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka-1:9093"),
                Map.entry(RunstreamConfig.SCHEMA_REGISTRY_USER_INFO_CONFIG, "svc:registry-S3cr3t"),
                Map.entry(RunstreamConfig.SCHEMA_REGISTRY_BEARER_TOKEN_CONFIG, "bearer-S3cr3t"),
                Map.entry("kafka.security.protocol", "SASL_SSL"),
                Map.entry("kafka.sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("kafka.sasl.jaas.config", JAAS),
                Map.entry("kafka.ssl.truststore.location", "/etc/kafka/truststore.p12"),
                Map.entry("kafka.ssl.truststore.password", "truststore-S3cr3t"),
                Map.entry("kafka.ssl.endpoint.identification.algorithm", "https"),
                Map.entry("kafka.producer.ssl.keystore.location", "/etc/kafka/producer.p12"),
                Map.entry("kafka.producer.ssl.keystore.password", "keystore-S3cr3t"),
                Map.entry("kafka.streams.ssl.key.password", "key-S3cr3t")));
    }

    @Test
    void shouldPassTlsAndSaslSettingsToEveryKindOfClient() {
        RunstreamConfig config = config();
        Map<String, Object> common = Map.of("bootstrap.servers", "kafka-1:9093", "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/kafka/truststore.p12", "ssl.truststore.password",
                "truststore-S3cr3t", "ssl.endpoint.identification.algorithm", "https");
        for (String kind : List.of("producer", "consumer", "admin", "streams")) {
            assertThat(config.clientProperties(kind)).as(kind).containsAllEntriesOf(common);
        }
        assertThat(config.readCommittedConsumerProperties()).containsAllEntriesOf(common);
        assertThat(config.clientProperties("producer")).containsEntry("ssl.keystore.password", "keystore-S3cr3t")
                .containsEntry("ssl.keystore.location", "/etc/kafka/producer.p12");
        for (String kind : List.of("consumer", "admin", "streams")) {
            assertThat(config.clientProperties(kind)).as(kind).doesNotContainKey("ssl.keystore.password");
        }
        assertThat(config.clientProperties("streams")).containsEntry("ssl.key.password", "key-S3cr3t");
        assertThat(config.clientProperties("producer")).doesNotContainKey("ssl.key.password")
                .doesNotContainKeys("producer.ssl.keystore.password", "streams.ssl.key.password");

        Properties streams = AggregatorProperties.of(config);
        common.forEach((key, value) -> assertThat(streams).as("aggregator: %s", key).containsEntry(key, value));
        assertThat(streams).containsEntry("ssl.key.password", "key-S3cr3t");
    }

    @Test
    void shouldShowNoSecretInTheConfigurationsOwnDumps() {
        RunstreamConfig config = config();
        String dumps = config + "\n" + config.values() + "\n" + config.registryUserInfo() + "\n"
                + config.getPassword(RunstreamConfig.SCHEMA_REGISTRY_BEARER_TOKEN_CONFIG);
        assertThat(dumps).doesNotContain("registry-S3cr3t", "bearer-S3cr3t").contains(Password.HIDDEN);
        assertThat(config.registryUserInfo().value()).isEqualTo("svc:registry-S3cr3t");
        assertThat(config.topics().prefix()).isEqualTo("runstream");
    }
}
