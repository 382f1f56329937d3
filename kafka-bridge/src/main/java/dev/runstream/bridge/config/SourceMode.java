package dev.runstream.bridge.config;

import java.util.Locale;

/** Where the aggregator reads chunks ({@code source.mode}). */
public enum SourceMode {
    /**
     * The shared, many-partition {@code {prefix}.ingest} topic, which the publisher writes in the same Kafka
     * transaction as each run's topic: the aggregator never reads run topics, so they can be deleted under it, and a
     * new run is no new partition for its consumer group. The default.
     */
    INGEST,
    /**
     * Every run topic, by pattern: also aggregates what other producers write straight into run topics. Each new run
     * topic is a new partition of the aggregator's group (a rebalance), and deleting a run topic under the pattern
     * subscription stalls every run's processing, so run topics are kept until their retention.
     */
    PATTERN;

    /** The setting's value: {@code ingest} or {@code pattern}. */
    public String setting() {
        return name().toLowerCase(Locale.ROOT);
    }

    static SourceMode of(String setting) {
        return valueOf(setting.toUpperCase(Locale.ROOT));
    }
}
