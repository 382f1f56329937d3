package dev.runstream.bridge.subscribe;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.config.RunLayout;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.subscribe.internal.ChunkRecordReader;
import dev.runstream.bridge.wire.ChunkKey;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.core.Deadline;
import dev.runstream.core.RunIds;
import dev.runstream.core.RunstreamException;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunSummary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one answer to "where is this run's log, and where does it end", for every reader (replay, live followers, SSE,
 * resume): in the run's own topic while it has one ({@link RunLog.InRunTopic}); once the topic is gone (deleted after
 * the run ended, or emptied by retention) in {@code {prefix}.chunks}, up to the run's last persisted chunk as its
 * summary says ({@link RunLog.Persisted}).
 *
 * <p>A persisted run is read from the partition of {@code {prefix}.chunks} that its run id maps to, from the first
 * offset whose timestamp is at or after the run's first chunk (each record keeps its chunk's timestamp, so the
 * partition's time index finds where the run starts without reading what came before it), up to its last persisted
 * chunk ({@code lastSequence}). What it reads is proportional to what was written to the partition while the run
 * was being written. The latest record of a chunk key wins, so an erased run's chunks are not returned.
 */
public final class RunLogs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunLogs.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);
    /** How long a persisted read waits for chunks its summary counts that are not committed yet. */
    private static final Duration PERSISTED_SETTLE = Duration.ofSeconds(5);
    /**
     * How far back (seconds) the records of a run whose summary is not visible yet are looked for: the aggregator
     * commits its position in {@code {prefix}.runs} a commit or more before the summaries of what it read there are.
     */
    private static final long UNFOLDED_LOOKBACK_SECONDS = 30;

    private final RunTopics topics;
    private final Map<String, Object> consumerProps;
    private final ChunkRecordReader reader;
    private final RunSummaryLookup summaries;
    private final Admin admin;
    private final boolean shared;
    private final String aggregatorGroup;
    private final long runsRetentionMs;
    private volatile int runsPartitions;

    public RunLogs(RunstreamConfig config, SchemaRegistryClient registry, RunSummaryLookup summaries) {
        this.topics = config.topics();
        this.consumerProps = config.readCommittedConsumerProperties();
        this.reader = new ChunkRecordReader(new ConfluentAvroSerde<>(ChunkRecord.class, ChunkRecord.getClassSchema(),
                registry));
        this.summaries = summaries;
        this.admin = Admin.create(config.clientProperties("admin"));
        this.shared = config.runLayout() == RunLayout.SHARED;
        this.aggregatorGroup = config.applicationId();
        this.runsRetentionMs = config.getLong(RunstreamConfig.RUNS_TOPIC_RETENTION_MS_CONFIG);
    }

    /**
     * Where a live log of the run begins: a partition and its offset there (-1: the partition's start), and where
     * older chunks of the run may still be found when the first one read there is past the reader's position
     * ({@code catchUpFrom}, at most {@code offset}).
     */
    public record Start(TopicPartition partition, long offset, long catchUpFrom) {
    }

    /**
     * Where a run not known yet (or that may be written again) is followed from: its own topic from the start; in the
     * shared layout, its partition of {@code {prefix}.runs} from the aggregator's committed offset there, with older
     * chunks looked for from {@value #UNFOLDED_LOOKBACK_SECONDS} s before now (the run may have started while its
     * summary was not visible yet).
     */
    public Start followFrom(String runId) {
        if (!shared) {
            return new Start(new TopicPartition(topics.runTopic(runId), 0), -1, -1);
        }
        TopicPartition partition = runsPartition(runId);
        long folded = foldedUpTo(runId, partition);
        long recent = offsetAt(runId, partition, System.currentTimeMillis() - UNFOLDED_LOOKBACK_SECONDS * 1000);
        return new Start(partition, folded, recent < 0 ? folded : Math.min(folded, recent));
    }

    /**
     * Where the run's log is now.
     *
     * @throws RunstreamException when Kafka or the summaries cannot be read within the timeout
     */
    public RunLog locate(String runId) {
        RunIds.requireValid(runId);
        if (shared) {
            return locateShared(runId);
        }
        String topic = topics.runTopic(runId);
        try {
            // Described first: ListOffsets of a topic that does not exist is logged at ERROR by the admin client.
            TopicDescription description = admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!description.partitions().isEmpty() && holdsRecords(new TopicPartition(topic, 0))) {
                return new RunLog.InRunTopic(runId);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw new RunstreamException("run '" + runId + "': its topic could not be described: "
                        + e.getCause(), e.getCause());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RunstreamException("run '" + runId + "': its topic could not be described within "
                    + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("run '" + runId + "': interrupted while looking for its log", e);
        }
        Optional<RunSummary> summary = summaries.summary(runId);
        return summary.<RunLog>map(found -> new RunLog.Persisted(runId, found))
                .orElseGet(() -> new RunLog.Unknown(runId));
    }

    /**
     * A run's log in the shared layout: unknown without a summary; persisted (in {@code {prefix}.chunks}) once it
     * ended (also a run written before a switch from a topic per run, which {@code {prefix}.runs} never held) or once
     * {@code {prefix}.runs} may have lost its start to retention (half its retention after the first chunk); else its
     * partition of {@code {prefix}.runs}, transient chunks included, from the first offset as late as its first chunk
     * (the time index).
     */
    private RunLog locateShared(String runId) {
        Optional<RunSummary> summary = summaries.summary(runId);
        if (summary.isEmpty()) {
            return new RunLog.Unknown(runId);
        }
        RunLog.Persisted persisted = new RunLog.Persisted(runId, summary.get());
        Optional<java.time.Instant> first = summary.get().firstChunkAt();
        if (persisted.ended() || first.isEmpty() || runsRetentionMs >= 0
                && first.get().toEpochMilli() < System.currentTimeMillis() - runsRetentionMs / 2) {
            return persisted;
        }
        TopicPartition partition = runsPartition(runId);
        long start = offsetAt(runId, partition, first.get().toEpochMilli());
        return start < 0 ? persisted : new RunLog.InSharedTopic(runId, partition, start);
    }

    /** The first offset of {@code partition} whose record is as late as {@code timestamp}; -1 when none is. */
    private long offsetAt(String runId, TopicPartition partition, long timestamp) {
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.forTimestamp(timestamp)))
                    .partitionResult(partition).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException e) {
            throw new RunstreamException("run '" + runId + "': where it starts in " + partition + " could not be "
                    + "read: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RunstreamException("run '" + runId + "': where it starts in " + partition + " could not be "
                    + "read within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("run '" + runId + "': interrupted while looking for its log", e);
        }
    }

    /**
     * Where an ended run of the shared layout starts in {@code {prefix}.runs} while that topic's retention may keep it
     * (transient chunks included); empty in the other layouts, or when it may be gone.
     */
    public Optional<RunLog.InSharedTopic> retained(RunLog.Persisted log) {
        Optional<java.time.Instant> first = log.summary().firstChunkAt();
        if (!shared || first.isEmpty() || runsRetentionMs >= 0
                && first.get().toEpochMilli() < System.currentTimeMillis() - runsRetentionMs / 2) {
            return Optional.empty();
        }
        TopicPartition partition = runsPartition(log.runId());
        long start = offsetAt(log.runId(), partition, first.get().toEpochMilli());
        return start < 0 ? Optional.empty() : Optional.of(new RunLog.InSharedTopic(log.runId(), partition, start));
    }

    /** The run's partition of {@code {prefix}.runs}. */
    private TopicPartition runsPartition(String runId) {
        int count = runsPartitions;
        if (count == 0) {
            try {
                count = admin.describeTopics(List.of(topics.runs())).topicNameValues().get(topics.runs())
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).partitions().size();
            } catch (ExecutionException e) {
                throw new RunstreamException("run '" + runId + "': " + topics.runs() + " could not be described: "
                        + e.getCause(), e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new RunstreamException("run '" + runId + "': " + topics.runs() + " could not be described "
                        + "within " + TIMEOUT.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunstreamException("run '" + runId + "': interrupted while looking for its log", e);
            }
            runsPartitions = count;
        }
        return new TopicPartition(topics.runs(), ChunkKey.partitionOf(runId, count));
    }

    /** The aggregator's committed offset in {@code partition}, or the partition's start when it has none. */
    private long foldedUpTo(String runId, TopicPartition partition) {
        try {
            var committed = admin.listConsumerGroupOffsets(aggregatorGroup).partitionsToOffsetAndMetadata()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(partition);
            if (committed != null) {
                return committed.offset();
            }
            return admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).partitionResult(partition)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException e) {
            throw new RunstreamException("run '" + runId + "': the aggregator's offset in " + partition
                    + " could not be read: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RunstreamException("run '" + runId + "': the aggregator's offset in " + partition
                    + " could not be read within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("run '" + runId + "': interrupted while looking for its log", e);
        }
    }

    private boolean holdsRecords(TopicPartition partition) throws ExecutionException, InterruptedException,
            java.util.concurrent.TimeoutException {
        var earliest = admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).partitionResult(partition);
        var latest = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition);
        return earliest.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset()
                < latest.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset();
    }

    /**
     * The persisted chunks of a run whose topic is gone, from sequence {@code fromSequence} on, in order, up to the
     * run's last persisted chunk as {@code summary} has it.
     */
    public List<StoredChunk> persisted(RunLog.Persisted log, long fromSequence) {
        RunSummary summary = log.summary();
        String runId = log.runId();
        if (summary.lastSequence() < fromSequence) {
            return List.of();
        }
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new ByteArrayDeserializer());
        try {
            var partitions = consumer.partitionsFor(topics.chunks(), TIMEOUT);
            if (partitions.isEmpty()) {
                return List.of();
            }
            TopicPartition partition = new TopicPartition(topics.chunks(),
                    ChunkKey.partitionOf(runId, partitions.size()));
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
            long start = startOf(consumer, partition, summary, end);
            consumer.seek(partition, start);
            SortedMap<Long, StoredChunk> latest = new TreeMap<>();
            Deadline deadline = Deadline.after(TIMEOUT);
            Deadline settled = null;
            long persistedCount = summary.chunkCount() - summary.transientCount();
            boolean last = false;
            while (!last && latest.size() < persistedCount) {
                if (deadline.passed()) {
                    throw new RunstreamException("run '" + runId + "': its persisted chunks could not be read from "
                            + partition + " within " + TIMEOUT.toSeconds() + " s");
                }
                if (consumer.position(partition) >= end) {
                    // The summary may come from the aggregator's store, ahead of the transaction that commits the
                    // chunks it folded: wait a little for the committed end to move past them.
                    settled = settled == null ? Deadline.after(PERSISTED_SETTLE) : settled;
                    if (settled.passed()) {
                        LOG.warn("Run '{}': {} of its {} persisted chunks found in {} up to offset {}; the summary "
                                + "promised more", runId, latest.size(), persistedCount, partition, end);
                        break;
                    }
                    pause(runId);
                    end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() >= end) {
                        break;
                    }
                    Optional<ChunkKey> key = ChunkKey.parse(record.key()).filter(k -> k.runId().equals(runId));
                    if (key.isEmpty()) {
                        continue;
                    }
                    long sequence = key.get().sequence();
                    latest.remove(sequence);
                    reader.read(record).filter(chunk -> chunk.sequence() == sequence)
                            .ifPresent(chunk -> latest.put(sequence, chunk));
                    if (sequence >= summary.lastSequence()) {
                        last = true;
                    }
                }
            }
            return List.copyOf(latest.tailMap(fromSequence).values());
        } finally {
            // No group and nothing to commit: a plain close() would wait for the fetch already sent past the end.
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
    }

    /** The first offset of the partition that may hold the run's first chunk (by the partition's time index). */
    private static long startOf(KafkaConsumer<String, byte[]> consumer, TopicPartition partition,
            RunSummary summary, long end) {
        if (summary.firstChunkAt().isEmpty()) {
            return consumer.beginningOffsets(List.of(partition), TIMEOUT).get(partition);
        }
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(
                Map.of(partition, summary.firstChunkAt().get().toEpochMilli()), TIMEOUT);
        OffsetAndTimestamp at = found.get(partition);
        // No record as late as the run's first chunk: none of the run is in the partition (any more).
        return at != null ? at.offset() : end;
    }

    private static void pause(String runId) {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("run '" + runId + "': interrupted while reading its persisted chunks", e);
        }
    }

    /** The summaries this instance reads a run's end from. */
    public RunSummaryLookup summaries() {
        return summaries;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
