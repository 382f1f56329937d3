package dev.runstream.bridge.lifecycle;

import dev.runstream.bridge.config.RunLayout;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.config.SourceMode;
import dev.runstream.bridge.lifecycle.internal.CommittedOffsets;
import dev.runstream.bridge.lifecycle.internal.EraseMarkerWriter;
import dev.runstream.bridge.lifecycle.internal.PartitionScan;
import dev.runstream.bridge.lifecycle.internal.RunTopicState;
import dev.runstream.bridge.lifecycle.internal.TopicAdmin;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.wire.ChunkKey;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.Deadline;
import dev.runstream.core.RunIds;
import dev.runstream.core.RunstreamException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases a run (GDPR): its summary, its persisted chunks and its topic's records, through the aggregator.
 *
 * <ol>
 *   <li>An erase marker — key = run id, no value, headers {@code runstream.control=erase} and
 *       {@code runstream.erase.id} — is written to the run's source: its run topic ({@code source.mode=pattern}) or
 *       the shared ingest topic, in a transaction ({@code source.mode=ingest}). Keyed by the run id, it follows the
 *       run's chunks in their partition.</li>
 *   <li>The aggregator passes it to {@code prefix.chunks} (keyed by the bare run id, in the run's partition) and, on
 *       reading it there, deletes the run's summary from its store (a tombstone in the store's changelog and in
 *       {@code prefix.run-summaries}) and writes a tombstone for each chunk key {@code <runId>/0..lastSequence} to
 *       {@code prefix.chunks}, all in one transaction under {@code exactly_once_v2}.</li>
 *   <li>The eraser waits for that summary tombstone (its headers carry the erase id and the counts) and for the
 *       aggregator's consumer group to have committed past the marker, in its source partition and in
 *       {@code prefix.chunks}: then the tombstones are durably written.</li>
 *   <li>Only then are the run topic's records removed: in the ingest mode the topic is deleted; in the pattern mode
 *       its records up to the marker are deleted ({@code DeleteRecords}) and the empty topic stays, since deleting a
 *       topic under the aggregator's pattern subscription stalls every run (README, "Run topic lifecycle"). In the
 *       shared layout the run has no topic: its records in {@code prefix.runs} go with that topic's retention.</li>
 * </ol>
 *
 * What the tombstones erase is unreadable at once (the latest value of each key is a tombstone, and replay takes the
 * latest) and physically gone once the compacted topics are cleaned: within {@code erase.max.compaction.lag.ms} of
 * topics the aggregator created. The ingest topic and the dead-letter topic are not compacted: what they hold of
 * the run goes with their retention.
 *
 * <p>Erase a run once its writer stopped: a chunk written during the erase may outlive it (it starts a new summary).
 * Erasing again is harmless. A run with neither a topic holding records nor a summary is not written to at all.
 * Erases run one at a time.
 */
public final class RunEraser implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunEraser.class);

    private final RunstreamConfig config;
    private final RunTopics topics;
    private final boolean ingestSource;
    private final boolean shared;
    private final Admin admin;
    private final TopicAdmin topicAdmin;
    private final EraseMarkerWriter markers;
    private final CommittedOffsets aggregatorOffsets;

    /**
     * Connects nothing yet; the registry is not needed to erase (values are never decoded), it is taken so that every
     * component is built the same way.
     */
    public RunEraser(RunstreamConfig config, SchemaRegistryClient registry) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(registry, "registry");
        this.topics = config.topics();
        this.shared = config.runLayout() == RunLayout.SHARED;
        this.ingestSource = config.sourceMode() == SourceMode.INGEST;
        this.admin = Admin.create(config.clientProperties("admin"));
        this.topicAdmin = new TopicAdmin(admin);
        this.markers = new EraseMarkerWriter(config.clientProperties("producer"),
                ingestSource || shared ? topics.prefix() : null);
        this.aggregatorOffsets = new CommittedOffsets(admin, config.applicationId());
    }

    /**
     * Erases {@code runId}; waits up to {@code timeout} for the aggregator to process the marker.
     *
     * @throws dev.runstream.core.InvalidRunIdException when {@code runId} is not a valid run id
     * @throws EraseTimeoutException when the aggregator did not process the marker in time (erase again later)
     * @throws RunstreamException when Kafka refuses a step; what is done stays done, erasing again finishes
     */
    public synchronized ErasedRun erase(String runId, Duration timeout) {
        RunIds.requireValid(runId);
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        Deadline deadline = Deadline.after(timeout);
        try (PartitionScan scan = new PartitionScan(config.readCommittedConsumerProperties())) {
            TopicPartition summaryPartition = partitionOfRun(topics.runSummaries(), runId, deadline);
            long summariesEnd = scan.end(summaryPartition, deadline);
            if (shared) {
                return eraseFromSharedTopic(runId, scan, summaryPartition, summariesEnd, deadline, timeout);
            }
            RunTopicState runTopic = topicAdmin.runTopicState(topics.runTopic(runId), deadline);
            if (!runTopic.hasRecords() && !scan.hasValue(summaryPartition, runId, summariesEnd, deadline)) {
                LOG.info("Erase of run '{}': no topic with records and no summary; nothing to erase", runId);
                return ErasedRun.unknown(runId);
            }
            if (!ingestSource && !runTopic.exists()) {
                topicAdmin.createRunTopic(config, runId);
            }
            Confirmation done = markAndAwaitAggregator(runId, scan, summaryPartition, summariesEnd, deadline, timeout);
            String topicOutcome = runTopic.exists() || !ingestSource
                    ? removeRunTopicRecords(runId, done.markerOffset()) : ErasedRun.ABSENT;
            ErasedRun erased = new ErasedRun(runId, true, topicOutcome, done.chunkTombstones(), done.summaryRemoved());
            LOG.info("Erased run '{}': {}", runId, erased);
            return erased;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new EraseTimeoutException("run '" + runId + "': the erase did not complete within " + timeout
                    + ": " + e.getMessage());
        }
    }

    /**
     * In the shared layout the run has no topic to look at, and its summary may not be committed yet when its last
     * chunk is: whether it existed is answered by the aggregator itself, which reads the marker after every record of
     * the run in the same partition of {@code prefix.runs}.
     */
    private ErasedRun eraseFromSharedTopic(String runId, PartitionScan scan, TopicPartition summaryPartition,
            long summariesEnd, Deadline deadline, Duration timeout) {
        Confirmation done = markAndAwaitAggregator(runId, scan, summaryPartition, summariesEnd, deadline, timeout);
        if (done.chunkTombstones() == 0 && !done.summaryRemoved()) {
            LOG.info("Erase of run '{}': the aggregator knew no summary and no chunk of it; nothing was erased", runId);
            return ErasedRun.unknown(runId);
        }
        ErasedRun erased = new ErasedRun(runId, true, ErasedRun.SHARED, done.chunkTombstones(), done.summaryRemoved());
        LOG.info("Erased run '{}': {}", runId, erased);
        return erased;
    }

    /**
     * Writes the erase marker, then waits for the aggregator's answer (the summary tombstone carrying the erase id,
     * read from {@code summariesEnd} on) and for its consumer group to commit past the marker, in the source and in
     * {@code prefix.chunks}.
     */
    private Confirmation markAndAwaitAggregator(String runId, PartitionScan scan,
            TopicPartition summaryPartition, long summariesEnd, Deadline deadline, Duration timeout) {
        String eraseId = UUID.randomUUID().toString();
        RecordMetadata marker = markers.write(shared ? topics.runs() : ingestSource ? topics.ingest()
                : topics.runTopic(runId), runId, eraseId, deadline);
        LOG.info("Erase {} of run '{}': marker at {}-{}@{}", eraseId, runId, marker.topic(), marker.partition(),
                marker.offset());
        ConsumerRecord<String, byte[]> answer = scan.find(summaryPartition, summariesEnd,
                record -> runId.equals(record.key()) && record.value() == null
                        && eraseId.equals(RunstreamHeaders.get(record.headers(), RunstreamHeaders.ERASE_ID)),
                deadline).orElseThrow(() -> timedOut(runId, marker, timeout));
        Map<TopicPartition, Long> processed = Map.of(
                new TopicPartition(marker.topic(), marker.partition()), marker.offset(),
                partitionOfRun(topics.chunks(), runId, deadline),
                headerLong(answer, RunstreamHeaders.ERASE_MARKER_OFFSET));
        if (!aggregatorOffsets.awaitPast(processed, deadline)) {
            throw timedOut(runId, marker, timeout);
        }
        return new Confirmation(marker.offset(), headerLong(answer, RunstreamHeaders.ERASED_CHUNKS),
                Boolean.parseBoolean(RunstreamHeaders.get(answer.headers(), RunstreamHeaders.ERASED_SUMMARY)));
    }

    /** What the aggregator confirmed, and where the marker is in its source partition. */
    private record Confirmation(long markerOffset, long chunkTombstones, boolean summaryRemoved) {
    }

    private String removeRunTopicRecords(String runId, long markerOffset) {
        String topic = topics.runTopic(runId);
        if (ingestSource) {
            topicAdmin.deleteTopic(topic);
            return ErasedRun.DELETED;
        }
        topicAdmin.deleteRecordsBefore(new TopicPartition(topic, 0), markerOffset + 1);
        return ErasedRun.TRUNCATED;
    }

    /** The partition of {@code topic} that holds {@code runId}'s records. */
    private TopicPartition partitionOfRun(String topic, String runId, Deadline deadline) {
        Optional<Integer> partitions = topicAdmin.partitionCount(topic, deadline);
        if (partitions.isEmpty()) {
            throw new RunstreamException("run '" + runId + "' cannot be erased: topic " + topic + " does not exist; "
                    + "the aggregator (application id " + config.applicationId() + ") creates it when it starts");
        }
        return new TopicPartition(topic, ChunkKey.partitionOf(runId, partitions.get()));
    }

    private EraseTimeoutException timedOut(String runId, RecordMetadata marker, Duration timeout) {
        return new EraseTimeoutException("run '" + runId + "': the aggregator (application id "
                + config.applicationId() + ") did not process the erase marker at " + marker.topic() + "-"
                + marker.partition() + "@" + marker.offset() + " within " + timeout + "; is it running? It will "
                + "erase the summary and chunks when it gets to the marker; erase the run again to empty its topic");
    }

    private static long headerLong(ConsumerRecord<String, byte[]> record, String header) {
        String value = RunstreamHeaders.get(record.headers(), header);
        try {
            return Long.parseLong(Objects.requireNonNull(value, header));
        } catch (NumberFormatException | NullPointerException e) {
            throw new RunstreamException("the aggregator's answer at " + record.topic() + "-" + record.partition()
                    + "@" + record.offset() + " has no valid header " + header + " (" + value + ")", e);
        }
    }

    @Override
    public synchronized void close() {
        markers.close();
        admin.close(Duration.ofSeconds(5));
    }
}
