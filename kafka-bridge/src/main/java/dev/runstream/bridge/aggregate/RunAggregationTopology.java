package dev.runstream.bridge.aggregate;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.aggregate.internal.AggregatorProperties;
import dev.runstream.bridge.aggregate.internal.ChunkAcceptor;
import dev.runstream.bridge.aggregate.internal.Checked;
import dev.runstream.bridge.aggregate.internal.MappedAvroSerde;
import dev.runstream.bridge.aggregate.internal.SummaryFold;
import dev.runstream.bridge.aggregate.internal.TransientChunkFilter;
import dev.runstream.bridge.config.RunTopics;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.core.RunIds;
import dev.runstream.core.RunstreamException;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The aggregator's topology (DESIGN.md, "Kafka Streams topology"), in two sub-topologies:
 *
 * <ol>
 *   <li>the source — every run topic by pattern ({@code source.mode=pattern}) or the shared ingest topic
 *       ({@code source.mode=ingest}) — drops transient chunks by header and writes the rest, bytes and headers
 *       unchanged, to {@code {prefix}.chunks} keyed by run id;</li>
 *   <li>{@code {prefix}.chunks} is decoded and folded with {@code RunFold} per run into the persistent store
 *       {@code run-summaries}, whose changes go to the compacted {@code {prefix}.run-summaries}.</li>
 * </ol>
 *
 * The key is the run id from the source on, and every step after it keeps the key, so Streams adds no repartition
 * topic: the aggregation scales with the partitions of {@code {prefix}.chunks}. What cannot be decoded or accepted
 * goes to {@code {prefix}.dead-letters} with its original key, value and headers, plus
 * {@code runstream.error} and {@code runstream.origin}; processing goes on with the next record.
 */
public final class RunAggregationTopology {

    /**
     * The reserved run id of the anchor topic {@code {prefix}.run.--anchor}: in pattern mode it keeps the pattern
     * matching at least one topic, since a pattern that matches nothing stops the application with
     * {@code MissingSourceTopicException}. No run can have a reserved id, so no publisher writes there; whatever is
     * written to it anyway is dead-lettered.
     */
    public static final String ANCHOR_RUN_ID = RunIds.RESERVED_PREFIX + "anchor";

    private RunAggregationTopology() {
    }

    /**
     * The topology for {@code config}, reading and writing Avro through {@code registry}.
     *
     * @throws org.apache.kafka.common.config.ConfigException when the aggregator's Streams settings are invalid
     */
    public static Topology build(RunstreamConfig config, SchemaRegistryClient registry) {
        RunTopics topics = config.topics();
        ConfluentAvroSerde<ChunkRecord> chunkRecords = MappedAvroSerde.chunkRecords(registry);
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(
                new StreamsConfig(AggregatorProperties.of(config))));

        Consumed<String, byte[]> raw = Consumed.with(Serdes.String(), Serdes.ByteArray());
        KStream<String, byte[]> source = isPatternMode(config)
                ? builder.stream(topics.runTopicPattern(), raw.withName("run-topics"))
                : builder.stream(topics.ingest(), raw.withName("ingest-topic"));
        KStream<String, Checked<byte[]>> persisted = source.processValues(
                () -> new TransientChunkFilter(topics, isPatternMode(config), chunkRecords),
                Named.as("drop-transient-chunks"));
        deadLetters(persisted, topics, "source");
        persisted.filterNot((runId, checked) -> checked.isRefused(), Named.as("persisted-chunks"))
                .mapValues(Checked::value, Named.as("persisted-chunk-bytes"))
                .to(topics.chunks(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("chunks-topic"));

        KStream<String, Checked<StoredChunk>> checked = builder
                .stream(topics.chunks(), raw.withName("chunks-source"))
                .processValues(() -> new ChunkAcceptor(chunkRecords), Named.as("decode-chunks"));
        deadLetters(checked, topics, "chunks");
        MappedAvroSerde<RunSummary, ?> summaries = MappedAvroSerde.runSummaries(registry);
        SummaryFold fold = new SummaryFold();
        checked.filterNot((runId, chunk) -> chunk.isRefused(), Named.as("accepted-chunks"))
                .mapValues(Checked::value, Named.as("accepted-chunk"))
                .groupByKey(Grouped.with(Serdes.String(), MappedAvroSerde.storedChunks(registry)))
                .aggregate(fold, fold, Named.as("fold-run"),
                        Materialized.<String, RunSummary, KeyValueStore<Bytes, byte[]>>as(topics.summaryStore())
                                .withKeySerde(Serdes.String())
                                .withValueSerde(summaries))
                .toStream(Named.as("summary-changes"))
                .to(topics.runSummaries(), Produced.with(Serdes.String(), summaries).withName("run-summaries-topic"));
        return builder.build();
    }

    /**
     * Creates the topics the topology reads and writes, if they do not exist yet: {@code {prefix}.chunks} and the
     * compacted {@code {prefix}.run-summaries} ({@code chunks.topic.partitions} each), {@code {prefix}.dead-letters}
     * (one partition), and {@code {prefix}.ingest} ({@code ingest.topic.partitions}, ingest mode) or the anchor run
     * topic (pattern mode). Topics that exist are left as they are.
     *
     * @return the names of the topics this call created
     * @throws RunstreamException when a topic can be neither created nor found
     */
    public static List<String> createTopics(Admin admin, RunstreamConfig config) {
        RunTopics topics = config.topics();
        int partitions = config.getInt(RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG);
        Optional<Short> shared = replication(config.getShort(RunstreamConfig.SHARED_TOPIC_REPLICATION_FACTOR_CONFIG));
        List<NewTopic> wanted = new ArrayList<>();
        wanted.add(new NewTopic(topics.chunks(), Optional.of(partitions), shared));
        wanted.add(new NewTopic(topics.runSummaries(), Optional.of(partitions), shared)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        wanted.add(new NewTopic(topics.deadLetters(), Optional.of(1), shared));
        if (isPatternMode(config)) {
            wanted.add(new NewTopic(anchorTopic(topics), Optional.of(1),
                    replication(config.getShort(RunstreamConfig.RUN_TOPIC_REPLICATION_FACTOR_CONFIG))));
        } else {
            wanted.add(new NewTopic(topics.ingest(),
                    Optional.of(config.getInt(RunstreamConfig.INGEST_TOPIC_PARTITIONS_CONFIG)), shared));
        }
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
        return List.copyOf(created);
    }

    /** {@code {prefix}.run.--anchor}: see {@link #ANCHOR_RUN_ID}. */
    public static String anchorTopic(RunTopics topics) {
        return topics.reservedRunTopic(ANCHOR_RUN_ID);
    }

    static boolean isPatternMode(RunstreamConfig config) {
        return RunstreamConfig.SOURCE_MODE_PATTERN.equals(config.getString(RunstreamConfig.SOURCE_MODE_CONFIG));
    }

    private static <T> void deadLetters(KStream<String, Checked<T>> checked, RunTopics topics, String stage) {
        checked.filter((runId, value) -> value.isRefused(), Named.as("refused-" + stage))
                .mapValues(Checked::original, Named.as("refused-" + stage + "-bytes"))
                .to(topics.deadLetters(), Produced.with(Serdes.String(), Serdes.ByteArray())
                        .withName("dead-letters-" + stage));
    }

    private static Optional<Short> replication(short factor) {
        return factor < 0 ? Optional.empty() : Optional.of(factor);
    }
}
