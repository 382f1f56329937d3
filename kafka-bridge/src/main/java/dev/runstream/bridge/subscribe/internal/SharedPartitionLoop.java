package dev.runstream.bridge.subscribe.internal;

import dev.runstream.bridge.subscribe.LiveChunk;
import dev.runstream.bridge.subscribe.RunTopicGoneException;
import dev.runstream.core.RunstreamException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka consumer, on a thread of its own, that reads the followed runs of the shared layout whose partitions of
 * {@code {prefix}.runs} are hashed to it: a partition is read once for every run followed in it, each record handed
 * to the feed of its run (by key), other runs' records skipped without being decoded. A run followed anew whose log
 * starts before the partition's position has the partition read again from there; the feeds already further along
 * skip what they have read (each feed keeps its own position).
 */
public final class SharedPartitionLoop implements FeedLoop {

    private static final Logger LOG = LoggerFactory.getLogger(SharedPartitionLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** How often the feeds that got no chunk learn how far their partition was read. */
    private static final long PROGRESS_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final KafkaConsumer<String, byte[]> consumer;
    private final ChunkRecordReader reader;
    private final Predicate<RunFeed> releaseIfIdle;
    private final ConcurrentLinkedQueue<RunFeed> added = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Retirement> retiring = new ConcurrentLinkedQueue<>();
    /** The followed runs of each partition read, by run id. */
    private final Map<TopicPartition, Map<String, RunFeed>> partitions = new HashMap<>();
    private final Map<TopicPartition, Boolean> atEnd = new HashMap<>();
    private final Thread thread;
    private long nextProgress;
    private long nextIdleCheck;
    private volatile boolean closed;

    private record Retirement(RunFeed feed, CompletableFuture<Void> done) {
    }

    public SharedPartitionLoop(String name, KafkaConsumer<String, byte[]> consumer, ChunkRecordReader reader,
            Predicate<RunFeed> releaseIfIdle) {
        this.consumer = consumer;
        this.reader = reader;
        this.releaseIfIdle = releaseIfIdle;
        this.thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    @Override
    public void add(RunFeed feed) {
        added.add(feed);
        consumer.wakeup();
    }

    @Override
    public CompletableFuture<Void> retire(RunFeed feed) {
        Retirement retirement = new Retirement(feed, new CompletableFuture<>());
        retiring.add(retirement);
        consumer.wakeup();
        return retirement.done();
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return consumer.metrics();
    }

    private void run() {
        while (!closed) {
            try {
                step();
            } catch (WakeupException e) {
                // a feed was added, or the loop is closing
            } catch (RuntimeException e) {
                int followed = partitions.values().stream().mapToInt(Map::size).sum();
                LOG.error("The live fan-out consumer failed; its {} followed runs are ended with the error", followed,
                        e);
                RunstreamException failure = new RunstreamException("reading the run's partition failed: " + e, e);
                partitions.values().forEach(feeds -> feeds.values().forEach(feed -> feed.fail(failure)));
                partitions.clear();
                atEnd.clear();
                consumer.assign(List.of());
            }
        }
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }

    private void step() {
        boolean reassign = retirePending();
        List<RunFeed> fresh = new ArrayList<>();
        RunFeed feed;
        while ((feed = added.poll()) != null) {
            fresh.add(feed);
            Map<String, RunFeed> feeds = partitions.computeIfAbsent(feed.partition(), partition -> new HashMap<>());
            reassign |= feeds.isEmpty();
            feeds.put(feed.runId(), feed);
        }
        long now = System.nanoTime();
        if (now >= nextIdleCheck) {
            reassign |= releaseIdle();
            nextIdleCheck = now + TimeUnit.SECONDS.toNanos(1);
        }
        if (reassign) {
            consumer.assign(partitions.keySet());
            atEnd.keySet().retainAll(partitions.keySet());
        }
        rewindFor(fresh);
        if (partitions.isEmpty()) {
            sleep(50);
            return;
        }
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        Map<RunFeed, List<LiveChunk>> read = new HashMap<>();
        Map<RunFeed, List<Long>> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            Map<String, RunFeed> feeds = partitions.get(partition);
            if (feeds == null) {
                continue;
            }
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                RunFeed target = record.key() == null ? null : feeds.get(record.key());
                if (target == null || record.offset() < target.position() || record.value() == null) {
                    continue;
                }
                reader.read(record).ifPresent(stored -> {
                    read.computeIfAbsent(target, f -> new ArrayList<>()).add(LiveChunks.of(stored));
                    offsets.computeIfAbsent(target, f -> new ArrayList<>()).add(record.offset());
                });
            }
        }
        boolean progress = System.nanoTime() >= nextProgress;
        for (Map.Entry<TopicPartition, Map<String, RunFeed>> entry : partitions.entrySet()) {
            TopicPartition partition = entry.getKey();
            Long position = position(partition);
            boolean partitionAtEnd = consumer.currentLag(partition).orElse(-1) == 0;
            boolean changed = !Boolean.valueOf(partitionAtEnd).equals(atEnd.put(partition, partitionAtEnd));
            for (RunFeed target : entry.getValue().values()) {
                List<LiveChunk> chunks = read.getOrDefault(target, List.of());
                if (chunks.isEmpty() && !progress && !changed) {
                    continue;
                }
                long newPosition = position == null ? target.position() : position;
                target.append(chunks, offsets.getOrDefault(target, List.of()), newPosition,
                        partitionAtEnd && newPosition >= target.position());
            }
        }
        if (progress) {
            nextProgress = System.nanoTime() + PROGRESS_NANOS;
        }
    }

    /** Has each partition read again from the start of the logs of the runs just followed, where it is past it. */
    private void rewindFor(List<RunFeed> fresh) {
        Map<TopicPartition, Long> rewind = new HashMap<>();
        for (RunFeed feed : fresh) {
            if (partitions.getOrDefault(feed.partition(), Map.of()).get(feed.runId()) != feed) {
                continue;
            }
            long start = Math.max(0, feed.startOffset());
            Long position = position(feed.partition());
            if (position == null || start < position) {
                rewind.merge(feed.partition(), start, Math::min);
            }
        }
        rewind.forEach(consumer::seek);
    }

    private boolean retirePending() {
        Retirement retirement;
        boolean reassign = false;
        List<CompletableFuture<Void>> done = new ArrayList<>();
        while ((retirement = retiring.poll()) != null) {
            RunFeed feed = retirement.feed();
            added.remove(feed);
            Map<String, RunFeed> feeds = partitions.get(feed.partition());
            if (feeds != null && feeds.get(feed.runId()) == feed) {
                feeds.remove(feed.runId());
                if (feeds.isEmpty()) {
                    partitions.remove(feed.partition());
                    reassign = true;
                }
            }
            feed.fail(new RunTopicGoneException(feed.runId()));
            done.add(retirement.done());
        }
        if (reassign) {
            consumer.assign(partitions.keySet());
        }
        done.forEach(future -> future.complete(null));
        return reassign;
    }

    private boolean releaseIdle() {
        boolean emptied = false;
        for (var it = partitions.entrySet().iterator(); it.hasNext();) {
            Map<String, RunFeed> feeds = it.next().getValue();
            feeds.values().removeIf(releaseIfIdle);
            if (feeds.isEmpty()) {
                it.remove();
                emptied = true;
            }
        }
        return emptied;
    }

    /** The consumer's position, or null when it cannot be told at once; never throws {@link WakeupException}. */
    private Long position(TopicPartition partition) {
        try {
            return consumer.position(partition, Duration.ZERO);
        } catch (org.apache.kafka.common.errors.TimeoutException | WakeupException e) {
            return null;
        } catch (IllegalStateException e) {
            // not assigned (yet)
            return null;
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
