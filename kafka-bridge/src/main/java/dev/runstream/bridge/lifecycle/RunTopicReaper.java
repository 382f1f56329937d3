package dev.runstream.bridge.lifecycle;

import dev.runstream.bridge.aggregate.AggregatorUnavailableException;
import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.config.RunTopics;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.core.fold.RunSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the topics of runs that ended more than {@code run.topic.delete.after.ms} ago, in batches, from the
 * aggregator's summaries (so only runs whose summary is terminal, i.e. fully aggregated, lose their topic). Only in
 * the ingest source mode, where the aggregator does not read run topics: deleting a topic under the pattern source
 * stalls it (README). The persisted chunks stay in {@code prefix.chunks}.
 */
public final class RunTopicReaper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunTopicReaper.class);
    private static final int SCAN_LIMIT = 100_000;

    private final RunTopics topics;
    private final RunAggregator aggregator;
    private final Admin admin;
    private final Clock clock;
    private final Duration grace;
    private final ScheduledExecutorService timer;

    public RunTopicReaper(RunstreamConfig config, RunAggregator aggregator, Admin admin, Clock clock) {
        this.topics = config.topics();
        this.aggregator = aggregator;
        this.admin = admin;
        this.clock = clock;
        this.grace = Duration.ofMillis(config.getLong(RunstreamConfig.RUN_TOPIC_DELETE_AFTER_MS_CONFIG));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("runstream-topic-reaper").unstarted(r));
        long interval = config.getLong(RunstreamConfig.RUN_TOPIC_REAP_INTERVAL_MS_CONFIG);
        timer.scheduleWithFixedDelay(this::reapQuietly, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void reapQuietly() {
        try {
            reapOnce();
        } catch (AggregatorUnavailableException e) {
            LOG.debug("summaries not readable now ({}); trying again later", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("deleting finished runs' topics failed; trying again later", e);
        }
    }

    /** Deletes the topics of runs that ended before now minus the grace time; returns the deleted topics. */
    public List<String> reapOnce() {
        Instant cutoff = clock.instant().minus(grace);
        java.util.Set<String> existing;
        try {
            existing = admin.listTopics().names().get();
        } catch (ExecutionException e) {
            throw new dev.runstream.core.RunstreamException("could not list topics: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        List<String> expired = new ArrayList<>();
        for (RunSummary summary : aggregator.summaries(SCAN_LIMIT)) {
            String topic = topics.runTopic(summary.runId());
            if (summary.isTerminal() && existing.contains(topic)
                    && summary.finishedAt().filter(at -> at.isBefore(cutoff)).isPresent()) {
                expired.add(topic);
            }
        }
        if (expired.isEmpty()) {
            return expired;
        }
        List<String> deleted = new ArrayList<>();
        Map<String, KafkaFuture<Void>> results = admin.deleteTopics(expired).topicNameValues();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            try {
                result.getValue().get();
                deleted.add(result.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    LOG.warn("could not delete finished run topic {}: {}", result.getKey(), e.getCause().toString());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!deleted.isEmpty()) {
            LOG.info("deleted {} finished run topic(s) older than {}", deleted.size(), grace);
        }
        return deleted;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
