package dev.runstream.bridge.publish.internal;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.RunHistory;
import dev.runstream.bridge.wire.ChunkKey;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.Deadline;
import dev.runstream.core.RunstreamException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where the numbering of runs new to a publisher goes on in the shared layout, where no topic is made per run: one
 * past the highest of the run's sequence in its {@link RunHistory} (its summary) and in what the aggregator has not
 * folded yet. The aggregator commits its position in {@code {prefix}.runs} (the source) and in
 * {@code {prefix}.chunks} (the fold's input) with what it wrote, so the records of a run that its summary may not
 * count yet are all past those committed offsets: each batch reads, per partition its runs map to, only that
 * unfolded tail (a commit interval's worth of records, not the partition's history), up to its end once every
 * transaction open at the start is decided, and keeps what it read for the next batches, so that each record is read
 * once. A run found nowhere starts at 0.
 */
public final class SharedRunNumbering implements RunProvisioner {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** As {@link RunTopicProvisioner}'s: how long a batch waits for the transactions open on its partitions. */
    private static final Duration STABLE_WAIT = Duration.ofSeconds(2);

    private final RunTopics topics;
    private final String aggregatorGroup;
    private final Admin admin;
    private final RunHistory history;
    private final KafkaConsumer<String, byte[]> tailReader;
    private final Map<String, Integer> partitionCounts = new HashMap<>();
    private final Map<TopicPartition, Tail> tails = new HashMap<>();

    public SharedRunNumbering(RunstreamConfig config, Admin admin, RunHistory history) {
        this.topics = config.topics();
        this.aggregatorGroup = config.applicationId();
        this.admin = admin;
        this.history = history;
        this.tailReader = new KafkaConsumer<>(config.readCommittedConsumerProperties(), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    @Override
    public Map<String, ProvisionOutcome> provision(Collection<String> runIds) {
        Map<String, ProvisionOutcome> outcomes = new LinkedHashMap<>();
        Map<String, Long> next;
        try {
            next = unfolded(runIds);
            List<String> rest = runIds.stream().filter(run -> !next.containsKey(run)).toList();
            if (!rest.isEmpty()) {
                history.nextSequences(rest).forEach((runId, sequence) -> next.merge(runId, sequence, Math::max));
            }
        } catch (RuntimeException e) {
            runIds.forEach(runId -> outcomes.put(runId, new ProvisionOutcome.Refused(new RunstreamException("run '"
                    + runId + "': cannot tell where its numbering goes on in " + topics.runs() + " ("
                    + e.getMessage() + "); try again", e))));
            return outcomes;
        }
        runIds.forEach(runId -> outcomes.put(runId, new ProvisionOutcome.Numbered(next.getOrDefault(runId, 0L))));
        return outcomes;
    }

    /**
     * One past the highest sequence of each run in the unfolded tails of its partitions of {@code {prefix}.runs} and
     * {@code {prefix}.chunks}; runs with no record there are left out. Each partition's tail is read once: what was
     * read for an earlier batch is kept ({@link Tail}) and only the records written since are read.
     */
    private Map<String, Long> unfolded(Collection<String> runIds) {
        Map<TopicPartition, Set<String>> wanted = new HashMap<>();
        for (String topic : List.of(topics.runs(), topics.chunks())) {
            int count = partitionCount(topic);
            for (String runId : runIds) {
                wanted.computeIfAbsent(new TopicPartition(topic, ChunkKey.partitionOf(runId, count)),
                        partition -> new HashSet<>()).add(runId);
            }
        }
        Map<TopicPartition, Long> from = foldedUpTo(wanted.keySet());
        Map<TopicPartition, Long> until = stableEnds(wanted.keySet());
        Map<TopicPartition, Long> toRead = new HashMap<>();
        from.forEach((partition, folded) -> {
            Tail tail = tails.get(partition);
            if (tail == null || folded < tail.from || folded > tail.to) {
                tail = new Tail(folded);
                tails.put(partition, tail);
            } else {
                tail.forgetBefore(folded);
            }
            if (tail.to < until.get(partition)) {
                toRead.put(partition, tail.to);
            }
        });
        if (!toRead.isEmpty()) {
            read(toRead, until);
        }
        Map<String, Long> next = new HashMap<>();
        wanted.forEach((partition, runs) -> {
            Tail tail = tails.get(partition);
            for (String runId : runs) {
                long[] seen = tail.runs.get(runId);
                if (seen != null) {
                    next.merge(runId, seen[0], Math::max);
                }
            }
        });
        return next;
    }

    /** Reads each partition from its offset in {@code toRead} up to {@code until} into its {@link Tail}. */
    private void read(Map<TopicPartition, Long> toRead, Map<TopicPartition, Long> until) {
        tailReader.assign(toRead.keySet());
        toRead.forEach(tailReader::seek);
        Deadline deadline = Deadline.after(TIMEOUT);
        try {
            while (!caughtUp(until)) {
                if (deadline.passed()) {
                    toRead.keySet().forEach(tails::remove);
                    throw new RunstreamException("could not read the unfolded tails of " + toRead.keySet() + " within "
                            + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> record : tailReader.poll(Duration.ofMillis(20))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    Tail tail = tails.get(partition);
                    if (record.offset() < tail.to || record.offset() >= until.get(partition)) {
                        continue;
                    }
                    if (record.value() == null && record.key() != null
                            && RunstreamHeaders.isEraseMarker(record.headers())) {
                        // An erased run starts again from its history (none): what came before is gone.
                        tail.runs.remove(record.key());
                        continue;
                    }
                    sequenceOf(record).ifPresent(key -> tail.saw(key.runId(), key.sequence(), record.offset()));
                }
            }
            until.forEach((partition, end) -> {
                if (toRead.containsKey(partition)) {
                    tails.get(partition).to = end;
                }
            });
        } finally {
            tailReader.assign(List.of());
        }
    }

    /**
     * What was read of one partition's unfolded tail: from {@code from} (the aggregator's committed offset when it
     * was last looked at) up to {@code to}, the highest sequence of each run seen there and the offset it was seen at.
     * Runs last seen before the aggregator's committed offset are forgotten (their summary counts them).
     */
    private static final class Tail {
        /** More runs than this in one tail (an aggregator that stopped): it is read anew from the committed offset. */
        private static final int MAX_RUNS = 200_000;

        private long from;
        private long to;
        private final Map<String, long[]> runs = new HashMap<>();

        Tail(long from) {
            this.from = from;
            this.to = from;
        }

        void saw(String runId, long sequence, long offset) {
            long[] seen = runs.computeIfAbsent(runId, id -> new long[] {0, offset});
            seen[0] = Math.max(seen[0], sequence + 1);
            seen[1] = offset;
        }

        void forgetBefore(long folded) {
            if (runs.size() > MAX_RUNS) {
                runs.clear();
                from = folded;
                to = folded;
                return;
            }
            // Forgetting is a walk of the map: done once the committed offset moved a good way.
            if (folded - from > Math.max(1_000, runs.size())) {
                runs.values().removeIf(seen -> seen[1] < folded);
                from = folded;
            }
        }
    }

    /** The run and sequence of a record of {@code {prefix}.runs} (keyed by run id) or {@code {prefix}.chunks}. */
    private Optional<ChunkKey> sequenceOf(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return Optional.empty();
        }
        if (record.topic().equals(topics.chunks())) {
            return record.value() == null ? Optional.empty() : ChunkKey.parse(record.key());
        }
        String header = RunstreamHeaders.get(record.headers(), RunstreamHeaders.SEQUENCE);
        if (header == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ChunkKey(record.key(), Long.parseLong(header)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The aggregator's committed offset in each partition; the partition's start where it has none (no aggregator has
     * read it yet: all of it is unfolded).
     */
    private Map<TopicPartition, Long> foldedUpTo(Set<TopicPartition> partitions) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(aggregatorGroup)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> from = new HashMap<>();
            Map<TopicPartition, OffsetSpec> unread = new HashMap<>();
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset != null) {
                    from.put(partition, offset.offset());
                } else {
                    unread.put(partition, OffsetSpec.earliest());
                }
            }
            if (!unread.isEmpty()) {
                admin.listOffsets(unread).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .forEach((partition, info) -> from.put(partition, info.offset()));
            }
            return from;
        } catch (ExecutionException e) {
            throw new RunstreamException("the aggregator's committed offsets could not be read: " + e.getCause(),
                    e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RunstreamException("the aggregator's committed offsets could not be read within "
                    + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("interrupted while reading the aggregator's offsets", e);
        }
    }

    /**
     * The end of each partition once every transaction open at the start of this call is decided (its last stable
     * offset has reached the high watermark seen first): a chunk acknowledged to its writer before this call is
     * counted. On a busy shared partition the last stable offset is rarely equal to the high watermark, so the wait
     * is for the transactions seen, not for a quiet moment.
     */
    private Map<TopicPartition, Long> stableEnds(Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        try {
            Map<TopicPartition, Long> written = new HashMap<>();
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((partition, info) -> written.put(partition, info.offset()));
            Deadline deadline = Deadline.after(STABLE_WAIT);
            Map<TopicPartition, Long> stable = new HashMap<>();
            while (true) {
                Map<TopicPartition, OffsetSpec> waiting = new HashMap<>();
                latest.forEach((partition, spec) -> {
                    if (!stable.containsKey(partition) || stable.get(partition) < written.get(partition)) {
                        waiting.put(partition, spec);
                    }
                });
                if (waiting.isEmpty()) {
                    return stable;
                }
                if (deadline.passed()) {
                    throw new RunstreamException("a transaction on " + waiting.keySet() + " is not decided yet after "
                            + STABLE_WAIT.toSeconds() + " s");
                }
                admin.listOffsets(waiting, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .forEach((partition, info) -> stable.put(partition, info.offset()));
                if (stable.entrySet().stream().anyMatch(e -> e.getValue() < written.get(e.getKey()))) {
                    Thread.sleep(5);
                }
            }
        } catch (ExecutionException e) {
            throw new RunstreamException("the ends of " + partitions + " could not be read: " + e.getCause(),
                    e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RunstreamException("the ends of " + partitions + " could not be read within "
                    + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("interrupted while reading partition ends", e);
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> ends) {
        for (TopicPartition partition : tailReader.assignment()) {
            if (tailReader.position(partition) < ends.get(partition)) {
                return false;
            }
        }
        return true;
    }

    private int partitionCount(String topic) {
        Integer known = partitionCounts.get(topic);
        if (known != null) {
            return known;
        }
        int count = tailReader.partitionsFor(topic, TIMEOUT).size();
        if (count == 0) {
            throw new RunstreamException(topic + " does not exist");
        }
        partitionCounts.put(topic, count);
        return count;
    }

    @Override
    public void close() {
        tailReader.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
