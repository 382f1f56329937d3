package dev.runstream.bridge.subscribe.internal;

import dev.runstream.bridge.subscribe.LiveChunk;
import dev.runstream.core.RunstreamException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka consumer, on a thread of its own, that reads every run followed on this instance and hashed to it:
 * run topics are assigned (no group) when their first follower comes and unassigned once no one has followed them
 * for the linger time. A run whose topic does not exist yet is looked for every {@value #TOPIC_CHECK_MS} ms (one
 * DescribeTopics call for all such runs) and assigned from its start once it exists.
 */
public final class FanoutLoop implements FeedLoop {

    private static final Logger LOG = LoggerFactory.getLogger(FanoutLoop.class);
    private static final long TOPIC_CHECK_MS = 25;
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, byte[]> consumer;
    private final ChunkRecordReader reader;
    private final Admin admin;
    private final Predicate<RunFeed> releaseIfIdle;
    private final ConcurrentLinkedQueue<RunFeed> added = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Retirement> retiring = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, RunFeed> assigned = new HashMap<>();
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final Set<RunFeed> waiting = new HashSet<>();
    private final Thread thread;
    private long nextTopicCheck;
    private long nextIdleCheck;
    private volatile boolean closed;

    public FanoutLoop(String name, KafkaConsumer<String, byte[]> consumer, ChunkRecordReader reader, Admin admin,
            Predicate<RunFeed> releaseIfIdle) {
        this.consumer = consumer;
        this.reader = reader;
        this.admin = admin;
        this.releaseIfIdle = releaseIfIdle;
        this.thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** Starts reading {@code feed}'s run from its start. */
    @Override
    public void add(RunFeed feed) {
        added.add(feed);
        consumer.wakeup();
    }

    /** A feed to stop reading, and what completes once the consumer no longer holds its topic. */
    private record Retirement(RunFeed feed, java.util.concurrent.CompletableFuture<Void> done) {
    }

    /**
     * Stops reading {@code feed}'s topic, which is about to be deleted, and fails its followers with
     * {@link dev.runstream.bridge.subscribe.RunTopicGoneException}; completes once the consumer no longer holds it.
     */
    @Override
    public java.util.concurrent.CompletableFuture<Void> retire(RunFeed feed) {
        Retirement retirement = new Retirement(feed, new java.util.concurrent.CompletableFuture<>());
        retiring.add(retirement);
        consumer.wakeup();
        return retirement.done();
    }

    private void retirePending() {
        Retirement retirement;
        boolean reassign = false;
        while ((retirement = retiring.poll()) != null) {
            RunFeed feed = retirement.feed();
            waiting.remove(feed);
            added.remove(feed);
            if (assigned.remove(feed.partition()) != null) {
                positions.remove(feed.partition());
                reassign = true;
            }
            feed.fail(new dev.runstream.bridge.subscribe.RunTopicGoneException(feed.runId()));
            pendingRetirements.add(retirement.done());
        }
        if (reassign) {
            consumer.assign(assigned.keySet());
        }
        pendingRetirements.forEach(done -> done.complete(null));
        pendingRetirements.clear();
    }

    private final List<java.util.concurrent.CompletableFuture<Void>> pendingRetirements = new ArrayList<>();

    @Override
    public Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
        return consumer.metrics();
    }

    private void run() {
        while (!closed) {
            try {
                step();
            } catch (WakeupException e) {
                // a feed was added, or the loop is closing
            } catch (RuntimeException e) {
                LOG.error("The live fan-out consumer failed; its {} followed runs are ended with the error",
                        assigned.size(), e);
                RunstreamException failure = new RunstreamException("reading the run's topic failed: " + e, e);
                assigned.values().forEach(feed -> feed.fail(failure));
                assigned.clear();
                positions.clear();
                consumer.assign(List.of());
            }
        }
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }

    private void step() {
        retirePending();
        RunFeed feed;
        while ((feed = added.poll()) != null) {
            waiting.add(feed);
        }
        long now = System.nanoTime();
        if (!waiting.isEmpty() && now >= nextTopicCheck) {
            assignExisting();
            nextTopicCheck = now + TimeUnit.MILLISECONDS.toNanos(TOPIC_CHECK_MS);
        }
        if (now >= nextIdleCheck) {
            releaseIdle();
            nextIdleCheck = now + TimeUnit.SECONDS.toNanos(1);
        }
        if (assigned.isEmpty()) {
            sleep(waiting.isEmpty() ? 50 : TOPIC_CHECK_MS);
            return;
        }
        // While a run's topic is awaited, poll briefly so that it is looked for again soon.
        ConsumerRecords<String, byte[]> records = consumer.poll(waiting.isEmpty() ? POLL
                : Duration.ofMillis(TOPIC_CHECK_MS));
        Map<TopicPartition, List<LiveChunk>> read = new HashMap<>();
        Map<TopicPartition, List<Long>> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            RunFeed target = assigned.get(partition);
            if (target == null) {
                continue;
            }
            List<LiveChunk> chunks = new ArrayList<>();
            List<Long> chunkOffsets = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (!target.runId().equals(record.key())) {
                    LOG.warn("Skipped a record of {}-{}@{} keyed '{}', not by its run", record.topic(),
                            record.partition(), record.offset(), record.key());
                    continue;
                }
                reader.read(record).ifPresent(stored -> {
                    chunks.add(LiveChunks.of(stored));
                    chunkOffsets.add(record.offset());
                });
            }
            read.put(partition, chunks);
            offsets.put(partition, chunkOffsets);
        }
        for (Map.Entry<TopicPartition, RunFeed> entry : assigned.entrySet()) {
            TopicPartition partition = entry.getKey();
            Long position = position(partition);
            List<LiveChunk> chunks = read.getOrDefault(partition, List.of());
            boolean atEnd = consumer.currentLag(partition).orElse(-1) == 0;
            if (!chunks.isEmpty() || atEnd != entry.getValue().atEnd()
                    || position != null && !position.equals(positions.get(partition))) {
                long newPosition = position == null ? positions.getOrDefault(partition, 0L) : position;
                positions.put(partition, newPosition);
                entry.getValue().append(chunks, offsets.getOrDefault(partition, List.of()), newPosition, atEnd);
            }
        }
    }

    /**
     * The consumer's position, or null when it cannot be told at once. Never throws {@link WakeupException}: a
     * {@link #add} wakes the consumer up at any time, and records that {@code poll} returned must reach their feeds
     * before a wakeup may interrupt, or a feed's position would move past chunks it never held.
     */
    private Long position(TopicPartition partition) {
        try {
            return consumer.position(partition, Duration.ZERO);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return null;
        } catch (WakeupException e) {
            // The wakeup is consumed; the feed just added is picked up by the next step.
            return null;
        }
    }

    /** Assigns the waiting runs whose topics exist now, from their start. */
    private void assignExisting() {
        Map<String, RunFeed> byTopic = new HashMap<>();
        waiting.forEach(feed -> byTopic.put(feed.partition().topic(), feed));
        Map<String, KafkaFuture<org.apache.kafka.clients.admin.TopicDescription>> described =
                admin.describeTopics(byTopic.keySet()).topicNameValues();
        List<TopicPartition> found = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<org.apache.kafka.clients.admin.TopicDescription>> entry
                : described.entrySet()) {
            try {
                var description = entry.getValue().get(5, TimeUnit.SECONDS);
                if (description.partitions().isEmpty() || description.partitions().getFirst().leader() == null) {
                    // Just created: assigned before it has a leader, the consumer's offset lookups back off (up to
                    // retry.backoff.max.ms) and the run's first chunk comes late. Looked for again.
                    continue;
                }
                RunFeed feed = byTopic.get(entry.getKey());
                waiting.remove(feed);
                assigned.put(feed.partition(), feed);
                found.add(feed.partition());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    LOG.warn("Could not look up topic {}: {}", entry.getKey(), e.getCause().toString());
                }
            } catch (java.util.concurrent.TimeoutException e) {
                LOG.warn("Looking up topic {} timed out", entry.getKey());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!found.isEmpty()) {
            consumer.assign(assigned.keySet());
            consumer.seekToBeginning(found);
        }
    }

    private void releaseIdle() {
        List<TopicPartition> released = new ArrayList<>();
        assigned.values().removeIf(feed -> {
            if (releaseIfIdle.test(feed)) {
                released.add(feed.partition());
                return true;
            }
            return false;
        });
        waiting.removeIf(releaseIfIdle);
        if (!released.isEmpty()) {
            released.forEach(positions::remove);
            consumer.assign(assigned.keySet());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
