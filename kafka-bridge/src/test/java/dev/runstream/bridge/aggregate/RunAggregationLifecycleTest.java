package dev.runstream.bridge.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunAggregator}'s lifecycle where no broker is needed: before start and after close. */
class RunAggregationLifecycleTest {

    @TempDir
    Path stateDir;

    private RunAggregator aggregator() {
        Map<String, Object> settings = new HashMap<>(Map.of("prefix", "lifecycle",
                "bootstrap.servers", "127.0.0.1:1", "kafka.streams.state.dir", stateDir.toString()));
        return new RunAggregator(new RunstreamConfig(settings), new InMemorySchemaRegistry());
    }

    @Test
    void shouldAnswerNothingBeforeStart() {
        try (RunAggregator aggregator = aggregator()) {
            assertThat(aggregator.state()).isEqualTo(RunAggregator.State.CREATED);
            assertThatThrownBy(() -> aggregator.summary("run-1")).isInstanceOf(AggregatorUnavailableException.class)
                    .hasMessageContaining("lifecycle-aggregator").hasMessageContaining("CREATED");
            assertThatThrownBy(() -> aggregator.summaries(10)).isInstanceOf(AggregatorUnavailableException.class);
            assertThat(aggregator.ownerOf("run-1")).isEmpty();
        }
    }

    @Test
    void shouldStopFromCreatedAndRefuseToStartAgain() {
        RunAggregator aggregator = aggregator();
        assertThat(aggregator.close(Duration.ofSeconds(5))).isTrue();
        assertThat(aggregator.state()).isEqualTo(RunAggregator.State.STOPPED);
        assertThat(aggregator.close(Duration.ofSeconds(5))).as("closing twice is harmless").isTrue();
        assertThatThrownBy(aggregator::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("STOPPED");
    }

    @Test
    void shouldRefuseANegativeLimit() {
        try (RunAggregator aggregator = aggregator()) {
            assertThatThrownBy(() -> aggregator.summaries(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-1");
        }
    }
}
