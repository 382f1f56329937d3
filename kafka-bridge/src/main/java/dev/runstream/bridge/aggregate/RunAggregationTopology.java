package dev.runstream.bridge.aggregate;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.aggregate.internal.AggregatorProperties;
import dev.runstream.bridge.aggregate.internal.Checked;
import dev.runstream.bridge.aggregate.internal.ChunkAcceptor;
import dev.runstream.bridge.aggregate.internal.FoldInput;
import dev.runstream.bridge.aggregate.internal.MappedAvroSerde;
import dev.runstream.bridge.aggregate.internal.RunActivityIndexes;
import dev.runstream.bridge.aggregate.internal.RunIdPartitioner;
import dev.runstream.bridge.aggregate.internal.RunSummaryProcessor;
import dev.runstream.bridge.aggregate.internal.SourceRecordGate;
import dev.runstream.bridge.aggregate.internal.SummaryUpdate;
import dev.runstream.bridge.config.RunLayout;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.config.SourceMode;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.wire.ChunkKey;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.core.RunIds;
import dev.runstream.core.RunstreamException;
import dev.runstream.core.fold.RunSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;

/**
 * The aggregator's topology, in two sub-topologies:
 *
 * <ol>
 *   <li>the source — every run topic by pattern ({@code source.mode=pattern}), the shared ingest topic
 *       ({@code source.mode=ingest}), or {@code {prefix}.runs} in the shared layout — drops transient chunks by header and writes the rest, bytes and headers
 *       unchanged, to {@code {prefix}.chunks}, keyed per chunk ({@link ChunkKey}: {@code <runId>/<sequence>}) and
 *       partitioned by run id ({@link RunIdPartitioner});</li>
 *   <li>{@code {prefix}.chunks} and {@code {prefix}.run-control} (cancel requests, partitioned alike) are decoded and
 *       folded with {@code RunFold} per run by {@link RunSummaryProcessor} into
 *       the persistent store {@code run-summaries} (keyed by run id), whose changes go to the compacted
 *       {@code {prefix}.run-summaries}, keyed by run id.</li>
 * </ol>
 *
 * The store is keyed by the run id, which the summary processor reads from each chunk, and every record of a run is
 * in the partition of its run id, so Streams needs no repartition topic: the aggregation scales with the partitions
 * of {@code {prefix}.chunks}.
 *
 * <p>Erasing a run ({@code RunEraser}): an erase marker (a record with no value and header
 * {@code runstream.control=erase}, keyed by the run id) written to the run's source passes the first sub-topology
 * like a chunk, keyed by the bare run id; the summary processor then deletes the run's summary (a tombstone to
 * {@code {prefix}.run-summaries}) and writes a tombstone to {@code {prefix}.chunks} for every chunk key of the run,
 * in one transaction under {@code exactly_once_v2}. {@code {prefix}.chunks} is {@code compact,delete}: the tombstones
 * erase the chunks once compacted, while retention still applies.
 *
 * <p>What cannot be decoded or accepted goes to {@code {prefix}.dead-letters} with its original key, value and
 * headers, plus {@code runstream.error} and {@code runstream.origin}; processing goes on with the next record.
 */
public final class RunAggregationTopology {

    /**
     * The reserved run id of the anchor topic {@code {prefix}.run.--anchor}: in pattern mode it keeps the pattern
     * matching at least one topic, since a pattern that matches nothing stops the application with
     * {@code MissingSourceTopicException}. No run can have a reserved id, so no publisher writes there; whatever is
     * written to it anyway is dead-lettered.
     */
    public static final String ANCHOR_RUN_ID = RunIds.RESERVED_PREFIX + "anchor";

    private static final long DESCRIBE_PATIENCE_MS = 10_000;

    private RunAggregationTopology() {
    }

    /**
     * The topology for {@code config}, reading and writing Avro through {@code registry}.
     *
     * @throws org.apache.kafka.common.config.ConfigException when the aggregator's Streams settings are invalid
     */
    public static Topology build(RunstreamConfig config, SchemaRegistryClient registry) {
        return build(config, registry, new RunActivityIndexes());
    }

    /** The topology, its tasks' run-list indexes registered in {@code indexes}. */
    static Topology build(RunstreamConfig config, SchemaRegistryClient registry, RunActivityIndexes indexes) {
        ConfluentAvroSerde<ChunkRecord> chunkRecords = MappedAvroSerde.chunkRecords(registry);
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(
                new StreamsConfig(AggregatorProperties.of(config))));
        persistChunks(builder, config, chunkRecords);
        foldRuns(builder, config, chunkRecords, MappedAvroSerde.runSummaries(registry), indexes);
        return builder.build();
    }

    /** The first sub-topology: the source, less transient chunks, to {@code {prefix}.chunks} keyed per chunk. */
    private static void persistChunks(StreamsBuilder builder, RunstreamConfig config,
            ConfluentAvroSerde<ChunkRecord> chunkRecords) {
        RunTopics topics = config.topics();
        KStream<String, byte[]> source = config.runLayout() == RunLayout.SHARED
                ? builder.stream(topics.runs(), rawRecords().withName("runs-topic"))
                : config.sourceMode() == SourceMode.PATTERN
                        ? builder.stream(topics.runTopicPattern(), rawRecords().withName("run-topics"))
                        : builder.stream(topics.ingest(), rawRecords().withName("ingest-topic"));
        KStream<String, Checked<byte[]>> persisted = source.process(
                () -> new SourceRecordGate(topics, config.sourceMode(), chunkRecords),
                Named.as("drop-transient-chunks"));
        deadLetters(persisted, topics, "source");
        persisted.filterNot((key, checked) -> checked.isRefused(), Named.as("persisted-chunks"))
                .mapValues(Checked::value, Named.as("persisted-chunk-bytes"))
                .to(topics.chunks(), toChunks("chunks-topic"));
    }

    /**
     * The second sub-topology: {@code {prefix}.chunks} folded into the store, its changes to
     * {@code {prefix}.run-summaries}, and the chunk tombstones of erased runs back to {@code {prefix}.chunks}.
     */
    private static void foldRuns(StreamsBuilder builder, RunstreamConfig config,
            ConfluentAvroSerde<ChunkRecord> chunkRecords, MappedAvroSerde<RunSummary, ?> summaries,
            RunActivityIndexes indexes) {
        RunTopics topics = config.topics();
        builder.addStateStore(summaryStore(config, summaries));
        KStream<String, Checked<FoldInput>> checked = builder
                .stream(List.of(topics.chunks(), topics.runControl()), rawRecords().withName("chunks-source"))
                .processValues(() -> new ChunkAcceptor(chunkRecords, topics.runControl()), Named.as("decode-chunks"));
        deadLetters(checked, topics, "chunks");
        Duration emitInterval = Duration.ofMillis(config.getLong(RunstreamConfig.AGGREGATOR_COMMIT_INTERVAL_MS_CONFIG));
        long abandonAfterMs = config.getLong(RunstreamConfig.RUN_ABANDON_AFTER_MS_CONFIG);
        KStream<String, SummaryUpdate> updates = checked
                .filterNot((key, chunk) -> chunk.isRefused(), Named.as("accepted-chunks"))
                .mapValues(Checked::value, Named.as("accepted-chunk"))
                .process(() -> new RunSummaryProcessor(topics.summaryStore(), emitInterval, abandonAfterMs, indexes),
                        Named.as("fold-run"), topics.summaryStore());
        updates.mapValues(SummaryUpdate::summary, Named.as("summary-changes"))
                .to(topics.runSummaries(), Produced.with(Serdes.String(), summaries).withName("run-summaries-topic"));
        updates.filter((runId, update) -> update.erasedChunks() > 0, Named.as("erased-runs"))
                .flatMap((runId, update) -> chunkTombstones(runId, update.erasedChunks()),
                        Named.as("erased-chunk-keys"))
                .to(topics.chunks(), toChunks("chunk-tombstones"));
    }

    private static Consumed<String, byte[]> rawRecords() {
        return Consumed.with(Serdes.String(), Serdes.ByteArray());
    }

    /** Records to {@code {prefix}.chunks}: partitioned by run id, whatever sequence their key holds. */
    private static Produced<String, byte[]> toChunks(String name) {
        return Produced.with(Serdes.String(), Serdes.ByteArray()).withStreamPartitioner(new RunIdPartitioner<byte[]>())
                .withName(name);
    }

    private static StoreBuilder<TimestampedKeyValueStore<String, RunSummary>> summaryStore(RunstreamConfig config,
            MappedAvroSerde<RunSummary, ?> summaries) {
        Map<String, String> changelog = new HashMap<>();
        maxCompactionLag(config).ifPresent(lag -> changelog.put(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, lag));
        return Stores.timestampedKeyValueStoreBuilder(
                        Stores.persistentTimestampedKeyValueStore(config.topics().summaryStore()),
                        Serdes.String(), summaries)
                .withCachingEnabled()
                .withLoggingEnabled(changelog);
    }

    private static List<KeyValue<String, byte[]>> chunkTombstones(String runId, long count) {
        List<KeyValue<String, byte[]>> tombstones = new ArrayList<>((int) Math.min(count, 1 << 16));
        for (long sequence = 0; sequence < count; sequence++) {
            tombstones.add(KeyValue.pair(new ChunkKey(runId, sequence).toString(), null));
        }
        return tombstones;
    }

    /**
     * Creates the topics the topology reads and writes, if they do not exist yet: {@code {prefix}.chunks}
     * ({@code compact,delete}) and the compacted {@code {prefix}.run-summaries} ({@code chunks.topic.partitions} each,
     * {@code max.compaction.lag.ms} from {@code erase.max.compaction.lag.ms}), {@code {prefix}.run-control} (as many
     * partitions as {@code {prefix}.chunks} has), {@code {prefix}.dead-letters} (one partition), and
     * {@code {prefix}.runs} ({@code runs.topic.partitions}, shared layout), {@code {prefix}.ingest}
     * ({@code ingest.topic.partitions}, ingest mode) or the anchor run topic (pattern mode). Topics that exist are left as they are.
     *
     * @return the names of the topics this call created
     * @throws RunstreamException when a topic can be neither created nor found
     */
    public static List<String> createTopics(Admin admin, RunstreamConfig config) {
        RunTopics topics = config.topics();
        int partitions = config.getInt(RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG);
        Optional<Short> shared = replication(config.getShort(RunstreamConfig.SHARED_TOPIC_REPLICATION_FACTOR_CONFIG));
        List<NewTopic> wanted = new ArrayList<>();
        wanted.add(new NewTopic(topics.chunks(), Optional.of(partitions), shared).configs(compacted(config,
                TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE)));
        wanted.add(new NewTopic(topics.runSummaries(), Optional.of(partitions), shared)
                .configs(compacted(config, TopicConfig.CLEANUP_POLICY_COMPACT)));
        wanted.add(new NewTopic(topics.deadLetters(), Optional.of(1), shared));
        if (config.runLayout() == RunLayout.SHARED) {
            Map<String, String> runsConfig = new HashMap<>();
            runsConfig.put(TopicConfig.RETENTION_MS_CONFIG,
                    Long.toString(config.getLong(RunstreamConfig.RUNS_TOPIC_RETENTION_MS_CONFIG)));
            int minIsr = config.getInt(RunstreamConfig.RUN_TOPIC_MIN_INSYNC_REPLICAS_CONFIG);
            if (minIsr > 0) {
                runsConfig.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minIsr));
            }
            wanted.add(new NewTopic(topics.runs(),
                    Optional.of(config.getInt(RunstreamConfig.RUNS_TOPIC_PARTITIONS_CONFIG)), shared)
                    .configs(runsConfig));
        } else if (config.sourceMode() == SourceMode.PATTERN) {
            wanted.add(new NewTopic(anchorTopic(topics), Optional.of(1),
                    replication(config.getShort(RunstreamConfig.RUN_TOPIC_REPLICATION_FACTOR_CONFIG))));
        } else {
            wanted.add(new NewTopic(topics.ingest(),
                    Optional.of(config.getInt(RunstreamConfig.INGEST_TOPIC_PARTITIONS_CONFIG)), shared));
        }
        List<String> created = new ArrayList<>(create(admin, wanted));
        // A topic this call created has the partitions it asked for; describing it at once could reach a broker
        // that has not heard of it yet.
        int chunkPartitions = created.contains(topics.chunks()) ? partitions : partitionCount(admin, topics.chunks());
        boolean controlCreated = !create(admin,
                List.of(new NewTopic(topics.runControl(), Optional.of(chunkPartitions), shared))).isEmpty();
        int controlPartitions = chunkPartitions;
        if (controlCreated) {
            created.add(topics.runControl());
        } else {
            controlPartitions = partitionCount(admin, topics.runControl());
        }
        if (controlPartitions != chunkPartitions) {
            throw new RunstreamException(topics.runControl() + " has " + controlPartitions + " partitions and "
                    + topics.chunks() + " " + chunkPartitions + ": they must have as many, so that a run's cancel "
                    + "requests reach the task that holds its summary; recreate " + topics.runControl()
                    + " with " + chunkPartitions);
        }
        // Kafka Streams fails a thread whose source topic is not in its metadata yet (MissingSourceTopicException):
        // the topics just created are waited for until the broker describes them.
        created.forEach(topic -> partitionCount(admin, topic));
        return List.copyOf(created);
    }

    private static List<String> create(Admin admin, List<NewTopic> wanted) {
        List<String> created = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<Void>> result : admin.createTopics(wanted).values().entrySet()) {
            try {
                result.getValue().get();
                created.add(result.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new RunstreamException("could not create topic " + result.getKey() + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunstreamException("interrupted while creating topic " + result.getKey(), e);
            }
        }
        return created;
    }

    /**
     * The partition count of a topic that exists. A topic another instance has just created may not be known yet to
     * the broker asked, so an unknown topic is asked about again for up to {@value #DESCRIBE_PATIENCE_MS} ms.
     */
    private static int partitionCount(Admin admin, String topic) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DESCRIBE_PATIENCE_MS);
        try {
            while (true) {
                try {
                    return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw new RunstreamException("could not describe topic " + topic + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("interrupted while describing topic " + topic, e);
        }
    }

    /** {@code {prefix}.run.--anchor}: see {@link #ANCHOR_RUN_ID}. */
    public static String anchorTopic(RunTopics topics) {
        return topics.reservedRunTopic(ANCHOR_RUN_ID);
    }

    private static <T> void deadLetters(KStream<String, Checked<T>> checked, RunTopics topics, String stage) {
        checked.filter((runId, value) -> value.isRefused(), Named.as("refused-" + stage))
                .mapValues(Checked::original, Named.as("refused-" + stage + "-bytes"))
                .to(topics.deadLetters(), Produced.with(Serdes.String(), Serdes.ByteArray())
                        .withName("dead-letters-" + stage));
    }

    private static Map<String, String> compacted(RunstreamConfig config, String cleanupPolicy) {
        Map<String, String> topicConfig = new HashMap<>();
        topicConfig.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy);
        maxCompactionLag(config).ifPresent(lag -> topicConfig.put(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, lag));
        return topicConfig;
    }

    private static Optional<String> maxCompactionLag(RunstreamConfig config) {
        long lag = config.getLong(RunstreamConfig.ERASE_MAX_COMPACTION_LAG_MS_CONFIG);
        return lag < 0 ? Optional.empty() : Optional.of(Long.toString(lag));
    }

    private static Optional<Short> replication(short factor) {
        return factor < 0 ? Optional.empty() : Optional.of(factor);
    }
}
