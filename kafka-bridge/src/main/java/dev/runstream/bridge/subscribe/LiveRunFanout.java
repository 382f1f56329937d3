package dev.runstream.bridge.subscribe;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.config.RunLayout;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.subscribe.internal.CatchUpReader;
import dev.runstream.bridge.subscribe.internal.ChunkRecordReader;
import dev.runstream.bridge.subscribe.internal.FanoutLoop;
import dev.runstream.bridge.subscribe.internal.FeedLoop;
import dev.runstream.bridge.subscribe.internal.RunFeed;
import dev.runstream.bridge.subscribe.internal.SharedPartitionLoop;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.core.RunIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Live reading of runs for many readers at once, on a fixed number of shared Kafka consumers — never one per
 * reader. Each followed run is read once into a bounded in-memory window ({@code window} chunks) that all its
 * followers read from, each at its own pace; a follower that falls out of the window is cut
 * ({@link FollowerTooSlowException}) instead of growing memory, and a follower that starts before the window (an
 * early sequence of a long run) is served the older chunks by a small pool of catch-up consumers. A run nobody
 * follows any more is dropped after {@code linger}, so that a reader who reconnects soon finds it warm.
 */
public final class LiveRunFanout implements AutoCloseable {

    private static final int CATCH_UP_CONSUMERS = 2;

    private final RunTopics topics;
    private final int window;
    private final long lingerNanos;
    private final Admin admin;
    private final List<FeedLoop> loops = new ArrayList<>();
    private final CatchUpReader catchUp;
    private final Map<String, RunFeed> feeds = new ConcurrentHashMap<>();
    private final AtomicInteger followers = new AtomicInteger();
    private final RunLogs logs;

    /**
     * @param consumers how many shared consumers (and threads) read the followed runs
     * @param window    how many of a run's latest chunks are held for its followers
     * @param linger    how long a run nobody follows is still read
     * @param summaries where the end of a run whose topic is gone is found ({@link RunLogs})
     */
    public LiveRunFanout(RunstreamConfig config, SchemaRegistryClient registry, RunSummaryLookup summaries,
            int consumers, int window, Duration linger) {
        if (consumers < 1 || window < 1) {
            throw new IllegalArgumentException("consumers and window must be >= 1, were " + consumers + " and "
                    + window);
        }
        this.topics = config.topics();
        this.window = window;
        this.lingerNanos = linger.toNanos();
        this.admin = Admin.create(config.clientProperties("admin"));
        this.logs = new RunLogs(config, registry, summaries);
        ChunkRecordReader reader = new ChunkRecordReader(new ConfluentAvroSerde<>(ChunkRecord.class,
                ChunkRecord.getClassSchema(), registry));
        Map<String, Object> props = config.readCommittedConsumerProperties();
        for (int i = 0; i < consumers; i++) {
            Map<String, Object> own = new HashMap<>(props);
            own.putIfAbsent("client.id", topics.prefix() + "-fanout-" + i);
            own.put("allow.auto.create.topics", false);
            // One poll must not overflow a run's window on its own.
            own.putIfAbsent("max.poll.records", Math.max(1, Math.min(500, window / 2)));
            // A run followed anew is read only once the fetch in flight for the others returns, which the broker
            // holds up to fetch.max.wait.ms while they are quiet: that wait bounds a new follower's first chunk.
            own.putIfAbsent("fetch.max.wait.ms", 100);
            KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(own, new StringDeserializer(),
                    new ByteArrayDeserializer());
            loops.add(config.runLayout() == RunLayout.SHARED
                    ? new SharedPartitionLoop("runstream-fanout-" + i, consumer, reader, this::releaseIfIdle)
                    : new FanoutLoop("runstream-fanout-" + i, consumer, reader, admin, this::releaseIfIdle));
        }
        this.catchUp = new CatchUpReader(props, reader, CATCH_UP_CONSUMERS);
    }

    /**
     * Follows {@code runId} from its chunk number {@code fromSequence} on. A run whose topic does not exist yet is
     * waited for; one whose topic is gone is read from its persisted chunks ({@link RunLogs}), and, unless it had
     * ended, followed on in its topic when a writer brings it back. Close the follower when done.
     *
     * @throws dev.runstream.core.InvalidRunIdException when {@code runId} is not a run id
     * @throws dev.runstream.core.RunstreamException when the run's log cannot be read now
     */
    public RunFollower follow(String runId, long fromSequence) {
        RunIds.requireValid(runId);
        if (fromSequence < 0) {
            throw new IllegalArgumentException("fromSequence must be >= 0, was " + fromSequence);
        }
        RunLog log = logs.locate(runId);
        if (log instanceof RunLog.Persisted persisted) {
            List<LiveChunk> backlog = logs.persisted(persisted, fromSequence).stream()
                    .map(dev.runstream.bridge.subscribe.internal.LiveChunks::of).toList();
            RunFeed feed = persisted.ended() ? null : attach(runId, logs.followFrom(runId));
            followers.incrementAndGet();
            return new RunFollower(runId, feed, fromSequence, backlog, true, persisted.ended(), admin, catchUp,
                    () -> {
                        if (feed != null) {
                            feed.removeFollower();
                        }
                        followers.decrementAndGet();
                    });
        }
        RunFeed feed = attach(runId, log instanceof RunLog.InSharedTopic inShared
                ? new RunLogs.Start(inShared.partition(), inShared.startOffset(), inShared.startOffset())
                : logs.followFrom(runId));
        followers.incrementAndGet();
        return new RunFollower(feed, fromSequence, admin, catchUp, () -> {
            feed.removeFollower();
            followers.decrementAndGet();
        });
    }

    /** The run's feed, made and handed to its loop if it is new, with one more follower. */
    private RunFeed attach(String runId, RunLogs.Start start) {
        RunFeed[] created = new RunFeed[1];
        RunFeed feed = feeds.compute(runId, (id, existing) -> {
            RunFeed target = existing;
            if (target == null) {
                target = new RunFeed(id, start.partition(), start.offset(), start.catchUpFrom(), window);
                created[0] = target;
            }
            target.addFollower();
            return target;
        });
        if (created[0] != null) {
            loop(created[0]).add(created[0]);
        }
        return feed;
    }

    /** The loop that reads a feed's partition: each partition is read by one loop (a run topic by its name's hash). */
    private FeedLoop loop(RunFeed feed) {
        TopicPartition partition = feed.partition();
        return loops.get(Math.floorMod(partition.topic().hashCode() * 31 + partition.partition(), loops.size()));
    }

    /**
     * Stops reading the topics of {@code runIds}, which are about to be deleted: their feeds are dropped and their
     * followers, if any, fail with {@link RunTopicGoneException} (a reader following again finds the persisted log).
     */
    public void retire(java.util.Collection<String> runIds) {
        List<java.util.concurrent.CompletableFuture<Void>> retired = new ArrayList<>();
        for (String runId : runIds) {
            RunFeed feed = feeds.remove(runId);
            if (feed != null) {
                retired.add(loop(feed).retire(feed));
            }
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(retired.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new dev.runstream.core.RunstreamException("the live fan-out did not let go of " + runIds.size()
                    + " run topics in time: " + e, e);
        }
    }

    /** Where this fan-out finds runs' logs. */
    public RunLogs logs() {
        return logs;
    }

    /** How many followers are open. */
    public int followers() {
        return followers.get();
    }

    /** How many runs are read now (followed, or lingering). */
    public int followedRuns() {
        return feeds.size();
    }

    /** The metrics of the shared consumers, each tagged by its own client id. */
    public List<Map<MetricName, ? extends Metric>> consumerMetrics() {
        return loops.stream().<Map<MetricName, ? extends Metric>>map(FeedLoop::metrics).toList();
    }

    private boolean releaseIfIdle(RunFeed feed) {
        boolean[] released = new boolean[1];
        feeds.computeIfPresent(feed.runId(), (id, current) -> {
            if (current == feed && feed.idleFor(lingerNanos)) {
                released[0] = true;
                return null;
            }
            return current;
        });
        return released[0];
    }

    @Override
    public void close() {
        loops.forEach(FeedLoop::close);
        logs.close();
        catchUp.close();
        admin.close(Duration.ofSeconds(5));
    }

}
