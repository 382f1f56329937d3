package dev.runstream.bridge.config;

import java.util.Locale;

/** Where each run's chunks are written ({@code run.layout}). */
public enum RunLayout {
    /**
     * A topic per run, {@code {prefix}.run.<runId>}, one partition, deleted after the run ended (the run stays
     * readable from {@code {prefix}.chunks}). Downstream consumers can subscribe to one run's topic. It costs the broker
     * a partition (one open file, two memory maps) per live run and a topic creation and deletion per run. The
     * default.
     */
    TOPIC_PER_RUN,
    /**
     * Every run's chunks in one many-partition topic, {@code {prefix}.runs}, keyed and partitioned by run id: no
     * topic is made or deleted per run, and the broker's files do not grow with the number of runs. A reader of one
     * run reads its partition from where the run starts (found by time index or by the aggregator's committed
     * offset), skipping other runs' records.
     */
    SHARED;

    /** The setting's value: {@code topic-per-run} or {@code shared}. */
    public String setting() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static RunLayout of(String setting) {
        return valueOf(setting.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
