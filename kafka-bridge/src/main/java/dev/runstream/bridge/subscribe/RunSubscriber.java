package dev.runstream.bridge.subscribe;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.subscribe.internal.ChunkRecordReader;
import dev.runstream.bridge.subscribe.internal.FollowedRunReader;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.Deadline;
import dev.runstream.core.RunIds;
import dev.runstream.core.chunk.StoredChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads runs back from Kafka: one run live (from its start, a sequence number, or what comes next) as a core
 * {@code RunStream}; a finished run's persisted chunks (replay); or every run as a consumer group, for workers that
 * scale by adding instances. Only committed records are read.
 */
public final class RunSubscriber implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final RunstreamConfig config;
    private final RunTopics topics;
    private final ChunkRecordReader reader;
    private final SchemaRegistryClient registry;
    /** The fan-out live subscriptions read through: given, or made on the first subscription and owned. */
    private LiveRunFanout fanout;
    private final boolean ownsFanout;

    /**
     * A subscriber whose live subscriptions share consumers of its own ({@code live.fanout.consumers}), and
     * that finds the end of runs whose topic is gone from their summaries in {@code {prefix}.run-summaries}.
     */
    public RunSubscriber(RunstreamConfig config, SchemaRegistryClient registry) {
        this(config, registry, null);
    }

    /** A subscriber whose live subscriptions read through {@code fanout} (shared with others, not closed here). */
    public RunSubscriber(RunstreamConfig config, SchemaRegistryClient registry, LiveRunFanout fanout) {
        this.config = config;
        this.topics = config.topics();
        this.registry = registry;
        this.reader = new ChunkRecordReader(new ConfluentAvroSerde<>(ChunkRecord.class, ChunkRecord.getClassSchema(),
                registry));
        this.fanout = fanout;
        this.ownsFanout = fanout == null;
    }

    /**
     * Subscribes to one run. A run whose topic does not exist yet is waited for; the stream ends after the run's
     * terminal chunk (or, after an {@code error} chunk, when nothing follows within {@code live.error.grace.ms}).
     * Every subscription of this subscriber is read by the same few shared consumers ({@link LiveRunFanout}): a
     * thousand subscriptions are not a thousand consumers.
     */
    public RunSubscription subscribe(String runId, StartPosition start) {
        return FollowedRunReader.start(RunIds.requireValid(runId), fanout(), start,
                config.getLong(RunstreamConfig.LIVE_ERROR_GRACE_MS_CONFIG));
    }

    private RunLogs logs() {
        return fanout().logs();
    }

    private synchronized LiveRunFanout fanout() {
        if (fanout == null) {
            fanout = new LiveRunFanout(config, registry, new RunSummaryReader(config, registry)::summary,
                    config.getInt(RunstreamConfig.LIVE_FANOUT_CONSUMERS_CONFIG),
                    config.getInt(RunstreamConfig.LIVE_WINDOW_CHUNKS_CONFIG), Duration.ofSeconds(5));
        }
        return fanout;
    }

    /**
     * The chunks of a run as persisted, in order, up to the end of its log now: transient chunks left out unless
     * {@code includeTransient}. A run whose topic is gone or holds nothing any more (deleted after the run ended,
     * expired by retention) is read from the persisted changelog instead ({@link RunLogs}), without its transient
     * chunks. Empty when the run has neither, or was erased. In the shared layout a run is read from its partition of
     * {@code prefix.runs}, from where it starts.
     */
    public List<StoredChunk> replay(String runId, boolean includeTransient) {
        RunLog log = logs().locate(RunIds.requireValid(runId));
        return switch (log) {
            case RunLog.InRunTopic inTopic -> replayRunTopic(runId, includeTransient);
            case RunLog.InSharedTopic inShared -> replayShared(inShared, includeTransient);
            case RunLog.Persisted persisted -> includeTransient ? withTransient(persisted)
                    : logs().persisted(persisted, 0);
            case RunLog.Unknown unknown -> unknownRun(runId, includeTransient);
        };
    }

    private List<StoredChunk> replayRunTopic(String runId, boolean includeTransient) {
        TopicPartition partition = new TopicPartition(topics.runTopic(runId), 0);
        KafkaConsumer<String, byte[]> consumer = newConsumer(consumerProperties());
        try {
            return readRunTopic(consumer, partition, runId, includeTransient);
        } catch (org.apache.kafka.common.errors.UnknownTopicOrPartitionException e) {
            // Deleted since it was located: the run's log is the persisted changelog now.
            return logs().locate(runId) instanceof RunLog.Persisted persisted ? logs().persisted(persisted, 0)
                    : List.of();
        } finally {
            // No group and nothing to commit: a plain close() would wait for the fetch the consumer already sent
            // past the end, which the broker holds for fetch.max.wait.ms (500 ms), on every replay.
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
        }
    }

    /**
     * An ended run with its transient chunks, from {@code prefix.runs} while its retention keeps them (the shared
     * layout), if they are there (a run written before a switch of layout is not): else its persisted chunks.
     */
    private List<StoredChunk> withTransient(RunLog.Persisted persisted) {
        Optional<RunLog.InSharedTopic> retained = logs().retained(persisted);
        if (retained.isPresent()) {
            List<StoredChunk> chunks = replayShared(retained.get(), true);
            if (!chunks.isEmpty() && chunks.getLast().sequence() >= persisted.summary().lastSequence()) {
                return chunks;
            }
        }
        return logs().persisted(persisted, 0);
    }

    /**
     * A run without a summary: none in a run topic layout (its topic holds nothing); in the shared layout, whatever
     * of it its partition of {@code prefix.runs} holds from where a run whose summary is not visible yet may start
     * ({@link RunLogs#followFrom}; with no aggregator, the partition's start).
     */
    private List<StoredChunk> unknownRun(String runId, boolean includeTransient) {
        if (config.runLayout() != dev.runstream.bridge.config.RunLayout.SHARED) {
            return List.of();
        }
        RunLogs.Start start = logs().followFrom(runId);
        return replayShared(new RunLog.InSharedTopic(runId, start.partition(), start.catchUpFrom()), includeTransient);
    }

    /**
     * A live run of the shared layout: its partition of {@code prefix.runs} from where the run starts up to the end
     * now, other runs' records skipped by key without being decoded.
     */
    private List<StoredChunk> replayShared(RunLog.InSharedTopic log, boolean includeTransient) {
        KafkaConsumer<String, byte[]> consumer = newConsumer(consumerProperties());
        try {
            return readRunTopic(consumer, log.partition(), log.startOffset(), log.runId(), includeTransient);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
        }
    }

    private List<StoredChunk> readRunTopic(KafkaConsumer<String, byte[]> consumer, TopicPartition partition,
            String runId, boolean includeTransient) {
        return readRunTopic(consumer, partition, -1, runId, includeTransient);
    }

    private List<StoredChunk> readRunTopic(KafkaConsumer<String, byte[]> consumer, TopicPartition partition,
            long startOffset, String runId, boolean includeTransient) {
        List<StoredChunk> chunks = new ArrayList<>();
        boolean shared = partition.topic().equals(topics.runs());
        readToEnd(consumer, partition, startOffset, record -> {
            if (shared && runId.equals(record.key()) && record.value() == null
                    && RunstreamHeaders.isEraseMarker(record.headers())) {
                // The run was erased (the shared layout keeps its records until retention): nothing before counts.
                chunks.clear();
            } else if (runId.equals(record.key())
                    && (includeTransient || !Boolean.TRUE.equals(RunstreamHeaders.isTransient(record.headers())))) {
                reader.read(record).filter(c -> includeTransient || !c.chunk().isTransient()).ifPresent(chunks::add);
            }
        });
        return chunks;
    }

    /**
     * Hands every committed record of {@code partition}, from {@code startOffset} (-1: its start) up to its end now,
     * to {@code handler}.
     */
    private static void readToEnd(KafkaConsumer<String, byte[]> consumer, TopicPartition partition, long startOffset,
            Consumer<ConsumerRecord<String, byte[]>> handler) {
        consumer.assign(List.of(partition));
        if (startOffset < 0) {
            consumer.seekToBeginning(List.of(partition));
        } else {
            consumer.seek(partition, startOffset);
        }
        long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
        Deadline deadline = Deadline.after(TIMEOUT);
        while (consumer.position(partition) < end && !deadline.passed()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < end) {
                    handler.accept(record);
                }
            }
        }
    }

    /**
     * Every chunk of every run, as a member of consumer group {@code groupId}: run topics are spread over the
     * group's members (cooperative sticky assignment, so single-partition topics spread too). {@code handler} is
     * called on the returned subscription's thread; a handler that throws is logged and reading goes on.
     */
    public AllRunsSubscription subscribeAll(String groupId, Consumer<StoredChunk> handler) {
        Map<String, Object> props = consumerProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
        props.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG,
                config.getLong(RunstreamConfig.AGGREGATOR_METADATA_MAX_AGE_MS_CONFIG));
        return AllRunsSubscription.start(newConsumer(props), topics,
                config.runLayout() == dev.runstream.bridge.config.RunLayout.SHARED, reader, handler);
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> props = config.readCommittedConsumerProperties();
        // A reader that asks for a run's topic before the run's first chunk must not have the broker create it
        // (auto.create.topics.enable is on by default): it would get the broker's defaults, not run.topic.*.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return props;
    }

    static KafkaConsumer<String, byte[]> newConsumer(Map<String, Object> props) {
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Closes the consumers live subscriptions share, unless they were given; close the subscriptions first. */
    @Override
    public synchronized void close() {
        if (ownsFanout && fanout != null) {
            fanout.close();
            fanout = null;
        }
    }
}
