package dev.runstream.bridge.publish.internal;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.Deadline;
import dev.runstream.core.RunstreamException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Creates run topics in batches (one CreateTopics call for every new run of a batch) and, for runs whose topic
 * already exists (a resumed leg, a restarted writer), reads the sequence number to go on from. Used by one thread.
 */
public final class RunTopicProvisioner implements RunProvisioner {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunTopicProvisioner.class);

    private static final int TAIL_WINDOW = 32;
    /** A run whose topic holds no chunk yet. */
    private static final ProvisionOutcome FROM_START = new ProvisionOutcome.Numbered(0);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a batch waits for the undecided transactions on its runs' topics: a committed transaction's markers
     * land within milliseconds, a dead publisher's open transaction only after its timeout, and the sender thread
     * (every run's) must not wait that long; such a run's writer is told to try again.
     */
    private static final Duration STABLE_WAIT = Duration.ofSeconds(2);

    private final RunTopics topics;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> tailReader;
    private final Map<String, String> topicConfig = new HashMap<>();
    private final Optional<Short> replication;
    private final dev.runstream.bridge.publish.RunHistory history;
    private final dev.runstream.bridge.publish.RunTopicCapacity capacity;

    public RunTopicProvisioner(RunstreamConfig config, Admin admin, dev.runstream.bridge.publish.RunHistory history) {
        this(config, admin, history, dev.runstream.bridge.publish.RunTopicCapacity.UNCHECKED);
    }

    public RunTopicProvisioner(RunstreamConfig config, Admin admin, dev.runstream.bridge.publish.RunHistory history,
            dev.runstream.bridge.publish.RunTopicCapacity capacity) {
        this.topics = config.topics();
        this.admin = admin;
        this.history = history;
        this.capacity = capacity;
        this.tailReader = new KafkaConsumer<>(config.readCommittedConsumerProperties(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        long retention = config.getLong(RunstreamConfig.RUN_TOPIC_RETENTION_MS_CONFIG);
        topicConfig.put("retention.ms", Long.toString(retention));
        int minIsr = config.getInt(RunstreamConfig.RUN_TOPIC_MIN_INSYNC_REPLICAS_CONFIG);
        if (minIsr > 0) {
            topicConfig.put("min.insync.replicas", Integer.toString(minIsr));
        }
        short rf = config.getShort(RunstreamConfig.RUN_TOPIC_REPLICATION_FACTOR_CONFIG);
        this.replication = rf > 0 ? Optional.of(rf) : Optional.empty();
    }

    /**
     * Makes sure each run's topic exists and returns, per run, the sequence number of its next chunk: one past the
     * last chunk in its topic, or, for a topic that holds no chunk (new, or made again after the run's topic was
     * deleted), where the run's {@link dev.runstream.bridge.publish.RunHistory} says it goes on (0 for a run without
     * one). Runs whose topic could not be made, or whose numbering cannot be told now, are
     * {@link ProvisionOutcome.Refused}.
     */
    @Override
    public Map<String, ProvisionOutcome> provision(Collection<String> runIds) {
        Optional<String> refusal = capacity.refusal(runIds.size());
        if (refusal.isPresent()) {
            Map<String, ProvisionOutcome> refused = new java.util.LinkedHashMap<>();
            RunstreamException error = new dev.runstream.bridge.publish.RunCapacityException(refusal.get());
            runIds.forEach(runId -> refused.put(runId, new ProvisionOutcome.Refused(error)));
            LOG.warn("refused {} new run(s): {}", runIds.size(), refusal.get());
            return refused;
        }
        Map<String, ProvisionOutcome> next = numberFromTopics(runIds);
        List<String> fresh = runIds.stream().filter(run -> FROM_START.equals(next.get(run))).toList();
        if (!fresh.isEmpty()) {
            try {
                history.nextSequences(fresh)
                        .forEach((runId, sequence) -> next.put(runId, new ProvisionOutcome.Numbered(sequence)));
            } catch (RuntimeException e) {
                ProvisionOutcome failure = new ProvisionOutcome.Refused(new RunstreamException("cannot tell where "
                        + "the numbering of a run whose topic holds no chunk goes on (" + e.getMessage()
                        + "); try again", e));
                fresh.forEach(runId -> next.put(runId, failure));
            }
        }
        Map<String, ProvisionOutcome> outcomes = new java.util.LinkedHashMap<>();
        for (String runId : runIds) {
            outcomes.put(runId, next.getOrDefault(runId, new ProvisionOutcome.Refused(
                    new RunstreamException("run '" + runId + "': not provisioned"))));
        }
        return outcomes;
    }

    private Map<String, ProvisionOutcome> numberFromTopics(Collection<String> runIds) {
        Map<String, ProvisionOutcome> next = new HashMap<>();
        List<NewTopic> newTopics = new ArrayList<>();
        for (String runId : runIds) {
            newTopics.add(new NewTopic(topics.runTopic(runId), Optional.of(1), replication).configs(topicConfig));
        }
        CreateTopicsResult result = admin.createTopics(newTopics);
        List<String> existing = new ArrayList<>();
        for (String runId : runIds) {
            try {
                result.values().get(topics.runTopic(runId)).get();
                next.put(runId, FROM_START);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    existing.add(runId);
                } else {
                    next.put(runId, new ProvisionOutcome.Refused(new RunstreamException("run '" + runId
                            + "': its topic could not be created: " + e.getCause(), e.getCause())));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunstreamException("interrupted while creating run topics", e);
            }
        }
        awaitLeaders(runIds.stream().filter(run -> FROM_START.equals(next.get(run)))
                .map(topics::runTopic).toList());
        if (!existing.isEmpty()) {
            next.putAll(nextSequences(existing));
        }
        return next;
    }

    /**
     * Waits until the leader of every new topic's partition serves requests: producing to a partition whose
     * leadership the broker has not applied yet gets NOT_LEADER_OR_FOLLOWER even when the metadata already names the
     * leader, and an idempotent producer's retries of such early batches can loop on OUT_OF_ORDER_SEQUENCE_NUMBER
     * until delivery times out. The topics are described until each names a leader (a topic the metadata does not
     * know yet is no error there), then a ListOffsets request, which only the partition leader answers, is retried
     * until each is answered.
     */
    private void awaitLeaders(List<String> newTopics) {
        if (newTopics.isEmpty()) {
            return;
        }
        Deadline deadline = Deadline.after(TIMEOUT);
        try {
            java.util.Set<String> unled = new java.util.HashSet<>(newTopics);
            while (!unled.isEmpty() && !deadline.passed()) {
                var described = admin.describeTopics(unled).topicNameValues();
                for (String topic : List.copyOf(unled)) {
                    try {
                        var partitions = described.get(topic).get(Math.max(1, deadline.remaining().toNanos()),
                                java.util.concurrent.TimeUnit.NANOSECONDS).partitions();
                        if (!partitions.isEmpty() && partitions.getFirst().leader() != null) {
                            unled.remove(topic);
                        }
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)) {
                            unled.remove(topic);
                        }
                    }
                }
                if (!unled.isEmpty()) {
                    Thread.sleep(5);
                }
            }
            Map<TopicPartition, OffsetSpec> waiting = new HashMap<>();
            newTopics.stream().filter(topic -> !unled.contains(topic))
                    .forEach(topic -> waiting.put(new TopicPartition(topic, 0), OffsetSpec.latest()));
            while (!waiting.isEmpty() && !deadline.passed()) {
                var result = admin.listOffsets(waiting);
                for (TopicPartition partition : List.copyOf(waiting.keySet())) {
                    try {
                        result.partitionResult(partition).get(Math.max(1, deadline.remaining().toNanos()),
                                java.util.concurrent.TimeUnit.NANOSECONDS);
                        waiting.remove(partition);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)) {
                            waiting.remove(partition);
                        }
                    }
                }
                if (!waiting.isEmpty()) {
                    Thread.sleep(5);
                }
            }
            if (!waiting.isEmpty() || !unled.isEmpty()) {
                LOG.warn("new run topics not led yet after {}: writing anyway ({} and {})", TIMEOUT, unled,
                        waiting.keySet());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("new run topics {} not led yet after {}: writing anyway", newTopics, TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("interrupted while waiting for new run topics", e);
        }
    }

    /**
     * One past the highest {@code runstream.sequence} header in the tail of each run's topic; for a run whose tail
     * is not numbered one by one (a chunk is missing), a {@link RunstreamException} saying where. The tail is read
     * from {@link #TAIL_WINDOW} offsets before the end, and further back, window after doubled window, while it held
     * no committed chunk (only aborted records and transaction markers, after many failed attempts).
     */
    private Map<String, ProvisionOutcome> nextSequences(List<String> runIds) {
        Map<TopicPartition, String> partitions = new HashMap<>();
        for (String runId : runIds) {
            partitions.put(new TopicPartition(topics.runTopic(runId), 0), runId);
        }
        Map<String, ProvisionOutcome> next = new HashMap<>();
        Map<TopicPartition, Long> ends = stableEnds(partitions, next);
        Map<TopicPartition, Long> from = new HashMap<>();
        ends.forEach((partition, end) -> {
            next.put(partitions.get(partition), FROM_START);
            if (end > 0) {
                from.put(partition, Math.max(0, end - TAIL_WINDOW));
            }
        });
        long window = TAIL_WINDOW;
        Deadline deadline = Deadline.after(TIMEOUT);
        while (!from.isEmpty()) {
            Map<TopicPartition, Long> until = new HashMap<>();
            from.keySet().forEach(partition -> until.put(partition, ends.get(partition)));
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> tails = readRange(from, until, deadline);
            Map<TopicPartition, Long> further = new HashMap<>();
            for (Map.Entry<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> tail : tails.entrySet()) {
                String runId = partitions.get(tail.getKey());
                Optional<ProvisionOutcome> sequence = lastSequence(runId, tail.getValue());
                long start = from.get(tail.getKey());
                if (sequence.isEmpty() && start > 0) {
                    ends.put(tail.getKey(), start);
                    further.put(tail.getKey(), Math.max(0, start - window * 2));
                } else {
                    sequence.ifPresent(outcome -> next.put(runId, outcome));
                }
            }
            window *= 2;
            from.clear();
            from.putAll(further);
        }
        return next;
    }

    /**
     * One past the last sequence header of {@code records} (a run's tail, in offset order), a refusal if they are not
     * numbered one by one, or empty if none has a sequence.
     */
    private static Optional<ProvisionOutcome> lastSequence(String runId, List<ConsumerRecord<byte[], byte[]>> records) {
        Long previous = null;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String header = RunstreamHeaders.get(record.headers(), RunstreamHeaders.SEQUENCE);
            if (header == null) {
                continue;
            }
            long sequence = Long.parseLong(header);
            if (previous != null && sequence != previous + 1) {
                return Optional.of(new ProvisionOutcome.Refused(new RunstreamException("run '" + runId
                        + "': its topic is not numbered one by one: sequence " + sequence + " at offset "
                        + record.offset() + " follows sequence " + previous)));
            }
            previous = sequence;
        }
        return previous == null ? Optional.empty() : Optional.of(new ProvisionOutcome.Numbered(previous + 1));
    }

    /** The committed records of each partition from its {@code from} offset up to its {@code until} offset. */
    private Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> readRange(Map<TopicPartition, Long> from,
            Map<TopicPartition, Long> until, Deadline deadline) {
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> read = new HashMap<>();
        tailReader.assign(from.keySet());
        from.forEach((partition, offset) -> {
            tailReader.seek(partition, offset);
            read.put(partition, new ArrayList<>());
        });
        try {
            while (!caughtUp(until)) {
                if (deadline.passed()) {
                    throw new RunstreamException("could not read the tails of run topics " + from.keySet()
                            + " within " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : tailReader.poll(Duration.ofMillis(100))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < until.get(partition)) {
                        read.get(partition).add(record);
                    }
                }
            }
            return read;
        } finally {
            tailReader.assign(List.of());
        }
    }

    /**
     * The end of each partition once no transaction on it is undecided: its last stable offset once that equals its
     * high watermark. A transaction's commit returns before the broker has written its markers, and until then a
     * {@code read_committed} reader ends before the transaction's chunks: reading the tail then would number the
     * run's next chunk again from before chunks already acknowledged (duplicates). A transaction left open by a
     * publisher that died ends within its {@code transaction.timeout.ms}. Runs whose partition stays undecided for
     * {@link #STABLE_WAIT} map to an exception in {@code next}: their writer tries again later.
     */
    private Map<TopicPartition, Long> stableEnds(Map<TopicPartition, String> partitions,
            Map<String, ProvisionOutcome> next) {
        Map<TopicPartition, Long> stable = new HashMap<>();
        Map<TopicPartition, OffsetSpec> waiting = new HashMap<>();
        partitions.keySet().forEach(partition -> waiting.put(partition, OffsetSpec.latest()));
        Deadline deadline = Deadline.after(STABLE_WAIT);
        Map<TopicPartition, String> undecided = new HashMap<>();
        try {
            while (!waiting.isEmpty() && !deadline.passed()) {
                var committed = admin.listOffsets(waiting, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED));
                var written = admin.listOffsets(waiting, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED));
                for (TopicPartition partition : List.copyOf(waiting.keySet())) {
                    long stableEnd;
                    long highWatermark;
                    try {
                        stableEnd = committed.partitionResult(partition).get().offset();
                        highWatermark = written.partitionResult(partition).get().offset();
                    } catch (ExecutionException e) {
                        undecided.put(partition, "its offsets could not be read: " + e.getCause());
                        if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)) {
                            waiting.remove(partition);
                        }
                        continue;
                    }
                    if (stableEnd >= highWatermark) {
                        stable.put(partition, stableEnd);
                        waiting.remove(partition);
                        undecided.remove(partition);
                    } else {
                        undecided.put(partition, "its last stable offset " + stableEnd + " is short of its end "
                                + highWatermark + ": a transaction on it is not decided yet");
                    }
                }
                if (!waiting.isEmpty()) {
                    Thread.sleep(20);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("interrupted while reading the ends of run topics", e);
        }
        for (TopicPartition partition : partitions.keySet()) {
            if (stable.containsKey(partition)) {
                continue;
            }
            String runId = partitions.get(partition);
            next.put(runId, new ProvisionOutcome.Refused(new RunstreamException("run '" + runId + "': cannot tell its "
                    + "next sequence after " + STABLE_WAIT.toSeconds() + " s: "
                    + undecided.getOrDefault(partition, "no answer") + "; try again")));
        }
        return stable;
    }

    private boolean caughtUp(Map<TopicPartition, Long> ends) {
        for (TopicPartition partition : tailReader.assignment()) {
            if (tailReader.position(partition) < ends.get(partition)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        tailReader.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
