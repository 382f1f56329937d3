package dev.runstream.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RunstreamConfigTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"run.abandon.after.ms, 0", "run.abandon.after.ms, -2", "erase.max.compaction.lag.ms, 0",
            "erase.max.compaction.lag.ms, -5"})
    void shouldRefuseADurationThatIsNeitherMinusOneNorPositive(String key, long value) {
        assertThatThrownBy(() -> new RunstreamConfig(Map.of(key, value))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key).hasMessageContaining("-1 or at least 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {RunstreamConfig.RUN_ABANDON_AFTER_MS_CONFIG,
            RunstreamConfig.ERASE_MAX_COMPACTION_LAG_MS_CONFIG})
    void shouldTakeMinusOneToTurnADurationOff(String key) {
        assertThat(new RunstreamConfig(Map.of(key, "-1")).getLong(key)).isEqualTo(-1L);
        assertThat(new RunstreamConfig(Map.of(key, "2500")).getLong(key)).isEqualTo(2500L);
    }

    @org.junit.jupiter.api.Test
    void shouldReportEveryBadSettingAtOnce() {
        assertThatThrownBy(() -> new RunstreamConfig(Map.of(
                RunstreamConfig.RUN_TOPIC_REAP_INTERVAL_MS_CONFIG, "soon",
                RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, 0,
                RunstreamConfig.SOURCE_MODE_CONFIG, "sideways",
                RunstreamConfig.PREFIX_CONFIG, "fine")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("3 bad settings: ")
                .hasMessageContaining(RunstreamConfig.RUN_TOPIC_REAP_INTERVAL_MS_CONFIG)
                .hasMessageContaining("soon")
                .hasMessageContaining(RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG)
                .hasMessageContaining("sideways")
                .hasMessageNotContaining(RunstreamConfig.PREFIX_CONFIG);
    }

    @org.junit.jupiter.api.Test
    void shouldReportOneBadSettingAsKafkaDoes() {
        assertThatThrownBy(() -> new RunstreamConfig(Map.of(RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, 0)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 0 for configuration " + RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG
                        + ": Value must be at least 1");
    }

    @ParameterizedTest
    @CsvSource({"subscriber.window.chunks, live.window.chunks", "http.sse.window.chunks, live.window.chunks",
            "http.fanout.consumers, live.fanout.consumers", "subscriber.error.grace.ms, live.error.grace.ms"})
    void shouldRefuseARenamedSettingWithItsNewName(String old, String renamed) {
        assertThatThrownBy(() -> new RunstreamConfig(Map.of(old, "100")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(old + " is now " + renamed);
    }
}
