package dev.runstream.bridge.lifecycle;

import dev.runstream.bridge.aggregate.AggregatorUnavailableException;
import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.subscribe.LiveRunFanout;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.core.RunIds;
import dev.runstream.core.RunstreamException;
import dev.runstream.core.fold.RunStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run topic lifecycle: deletes the topics of runs whose stream has ended (their summary is no longer
 * {@code running}: finished, failed, suspended, abandoned...) and that have had no chunk for
 * {@code run.topic.delete.after.ms}, every {@code run.topic.reap.interval.ms}, in batches. Only in the ingest source
 * mode, where the aggregator does not read run topics. The run stays readable from {@code prefix.chunks}
 * ({@code RunLogs}) and keeps its summary; a late chunk brings its topic back and goes on numbering where the run
 * left off.
 *
 * <p>Each instance reaps the runs whose summaries it holds, so that instances share the work without overlap. The
 * cost of a round is one ListTopics call and a store lookup per run topic there is (their number is bounded by the
 * lifecycle), not per run ever stored. Before a topic goes, this instance's publisher holds the run (a chunk for it
 * waits until the topic is gone, then brings it back) and its live fan-out lets go of the topic; a topic written
 * within the grace time by any writer, as its latest record's timestamp tells, is kept.
 */
public final class RunTopicReaper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunTopicReaper.class);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private final RunTopics topics;
    private final RunAggregator aggregator;
    private final KafkaRunPublisher publisher;
    private final LiveRunFanout fanout;
    private final Admin admin;
    private final Clock clock;
    private final Duration grace;
    private final int batchSize;
    private final ScheduledExecutorService timer;
    private volatile long deleted;
    /**
     * Run topics seen holding no record, with when they were first seen so (reaper thread only): a writer creates a
     * run's topic before it writes it, so an empty topic is deleted only once it stayed empty for the grace time.
     */
    private final Map<String, Instant> emptySince = new HashMap<>();

    /**
     * @throws IllegalArgumentException when {@code config} keeps run topics ({@link RunstreamConfig#runTopicDeleteAfter})
     */
    public RunTopicReaper(RunstreamConfig config, RunAggregator aggregator, KafkaRunPublisher publisher,
            LiveRunFanout fanout, Admin admin, Clock clock) {
        this.topics = config.topics();
        this.aggregator = aggregator;
        this.publisher = publisher;
        this.fanout = fanout;
        this.admin = admin;
        this.clock = clock;
        this.grace = config.runTopicDeleteAfter().orElseThrow(() -> new IllegalArgumentException(
                "run topics are kept with these settings (source.mode=pattern, or run.topic.delete.after.ms=-1)"));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("runstream-topic-reaper").unstarted(r));
        this.batchSize = config.getInt(RunstreamConfig.RUN_TOPIC_REAP_BATCH_SIZE_CONFIG);
        long interval = config.getLong(RunstreamConfig.RUN_TOPIC_REAP_INTERVAL_MS_CONFIG);
        timer.scheduleWithFixedDelay(this::reapQuietly, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void reapQuietly() {
        try {
            reapOnce();
        } catch (AggregatorUnavailableException e) {
            LOG.debug("summaries not readable now ({}); trying again later", e.getMessage());
        } catch (RuntimeException e) {
            if (timer.isShutdown()) {
                LOG.debug("reaping stopped by close: {}", e.toString());
            } else {
                LOG.warn("deleting finished runs' topics failed; trying again later", e);
            }
        }
    }

    /** How many run topics this reaper has deleted. */
    public long deletedTopics() {
        return deleted;
    }

    /** Deletes the topics of runs that ended and were quiet for the grace time; returns the deleted topics. */
    public List<String> reapOnce() {
        Instant cutoff = clock.instant().minus(grace);
        List<String> expired = new ArrayList<>();
        if (emptySince.size() > 100_000) {
            emptySince.clear();
        }
        List<String> runIds = new ArrayList<>();
        for (String topic : listTopics()) {
            topics.runIdOf(topic).filter(id -> !id.startsWith(RunIds.RESERVED_PREFIX)).ifPresent(runIds::add);
        }
        aggregator.currentSummaries(runIds).forEach((runId, summary) -> {
            if (summary.status() != RunStatus.RUNNING
                    && summary.lastChunkAt().filter(at -> at.isBefore(cutoff)).isPresent()) {
                expired.add(runId);
            }
        });
        List<String> deletedNow = new ArrayList<>();
        for (int from = 0; from < expired.size() && !Thread.currentThread().isInterrupted(); from += batchSize) {
            List<String> gone = reap(expired.subList(from, Math.min(expired.size(), from + batchSize)), cutoff);
            deletedNow.addAll(gone);
            deleted += gone.size();
        }
        if (!deletedNow.isEmpty()) {
            LOG.debug("deleted {} run topic(s) of runs that ended and had no chunk for {}", deletedNow.size(), grace);
        }
        return deletedNow;
    }

    private List<String> reap(List<String> runIds, Instant cutoff) {
        Set<String> held = await(publisher.hold(runIds).toCompletableFuture(), "hold runs in the publisher");
        if (held.isEmpty()) {
            return List.of();
        }
        try {
            List<String> quiet = quietSince(held, cutoff);
            if (quiet.isEmpty()) {
                return List.of();
            }
            fanout.retire(quiet);
            List<String> names = quiet.stream().map(topics::runTopic).toList();
            List<String> gone = new ArrayList<>();
            for (Map.Entry<String, KafkaFuture<Void>> result : admin.deleteTopics(names).topicNameValues()
                    .entrySet()) {
                try {
                    result.getValue().get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    gone.add(result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        LOG.warn("could not delete run topic {}: {}", result.getKey(), e.getCause().toString());
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    LOG.warn("deleting run topic {} did not complete within {}", result.getKey(), STEP_TIMEOUT);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return gone;
        } finally {
            publisher.release(held);
        }
    }

    /**
     * Those of the runs whose topic's latest record is older than {@code cutoff}: a writer on another instance may
     * have written a run after the summary this reaper read.
     */
    private List<String> quietSince(Set<String> runIds, Instant cutoff) {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        runIds.forEach(runId -> partitions.put(new TopicPartition(topics.runTopic(runId), 0), OffsetSpec.maxTimestamp()));
        var results = admin.listOffsets(partitions);
        List<String> quiet = new ArrayList<>();
        Instant now = clock.instant();
        for (String runId : runIds) {
            try {
                ListOffsetsResultInfo latest = results.partitionResult(new TopicPartition(topics.runTopic(runId), 0))
                        .get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (latest.offset() < 0) {
                    if (!emptySince.computeIfAbsent(runId, id -> now).isAfter(cutoff)) {
                        emptySince.remove(runId);
                        quiet.add(runId);
                    }
                } else if (latest.timestamp() < cutoff.toEpochMilli()) {
                    emptySince.remove(runId);
                    quiet.add(runId);
                } else {
                    emptySince.remove(runId);
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.debug("run topic of '{}' left for now: its latest record could not be read ({})", runId,
                        e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return quiet;
    }

    private Set<String> listTopics() {
        return await(admin.listTopics().names().toCompletionStage().toCompletableFuture(), "list topics");
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future, String what) {
        try {
            return future.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new RunstreamException("could not " + what + ": " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RunstreamException("could not " + what + " within " + STEP_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("interrupted while trying to " + what, e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
