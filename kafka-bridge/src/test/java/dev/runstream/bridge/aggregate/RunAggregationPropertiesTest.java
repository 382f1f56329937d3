package dev.runstream.bridge.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.bridge.aggregate.internal.AggregatorProperties;
import dev.runstream.bridge.config.RunstreamConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RunAggregationPropertiesTest {

    private static RunstreamConfig config(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(Map.of("prefix", "acme", "bootstrap.servers", "kafka:9092"));
        all.putAll(settings);
        return new RunstreamConfig(all);
    }

    @Test
    void shouldBuildStreamsPropertiesFromRunstreamSettings() {
        Properties props = AggregatorProperties.of(config(Map.of()));

        assertThat(props).containsEntry("application.id", "acme-aggregator")
                .containsEntry("bootstrap.servers", "kafka:9092")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("commit.interval.ms", 100L)
                .containsEntry("main.consumer.metadata.max.age.ms", 1000L)
                .containsEntry("group.protocol", "classic");
    }

    @Test
    void shouldTakeEverySettingFromConfigAndPassKafkaStreamsSettingsThrough() {
        Properties props = AggregatorProperties.of(config(Map.of(
                "aggregator.application.id", "summaries-v2",
                "aggregator.processing.guarantee", "at_least_once",
                "aggregator.metadata.max.age.ms", "2500",
                "aggregator.commit.interval.ms", "250",
                "shared.topic.replication.factor", "3",
                "kafka.security.protocol", "SSL",
                "kafka.streams.state.dir", "/var/lib/runstream/state",
                "kafka.streams.application.server", "node-1:8080",
                "kafka.producer.linger.ms", "50")));

        assertThat(props).containsEntry("application.id", "summaries-v2")
                .containsEntry("processing.guarantee", "at_least_once")
                .containsEntry("main.consumer.metadata.max.age.ms", 2500L)
                .containsEntry("commit.interval.ms", 250L)
                .containsEntry("replication.factor", 3)
                .containsEntry("security.protocol", "SSL")
                .containsEntry("state.dir", "/var/lib/runstream/state")
                .containsEntry("application.server", "node-1:8080")
                .doesNotContainKey("linger.ms");
    }

    @Test
    void shouldRefuseTheStreamsGroupProtocolWithThePatternSource() {
        assertThatThrownBy(() -> AggregatorProperties.of(config(Map.of("source.mode", "pattern",
                "kafka.streams.group.protocol", "streams"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group.protocol").hasMessageContaining("classic");
        assertThat(AggregatorProperties.of(config(Map.of("source.mode", "ingest",
                "kafka.streams.group.protocol", "streams")))).containsEntry("group.protocol", "streams");
    }
}
