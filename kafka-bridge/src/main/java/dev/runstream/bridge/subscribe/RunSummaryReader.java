package dev.runstream.bridge.subscribe;

import dev.runstream.bridge.avro.RunSummaryMapper;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.core.Deadline;
import dev.runstream.core.RunIds;
import dev.runstream.core.fold.RunSummary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads run summaries from the compacted {@code prefix.run-summaries} topic, for processes other than the
 * aggregator (the CLI's {@code summary} and {@code runs}): the last value of a run's key, read to the topic's end
 * now. The aggregator answers from its state store instead.
 */
public final class RunSummaryReader {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final RunstreamConfig config;
    private final ConfluentAvroSerde<dev.runstream.avro.RunSummary> serde;

    public RunSummaryReader(RunstreamConfig config, SchemaRegistryClient registry) {
        this.config = config;
        this.serde = new ConfluentAvroSerde<>(dev.runstream.avro.RunSummary.class,
                dev.runstream.avro.RunSummary.getClassSchema(), registry);
    }

    /** The latest summary of a run, if it has one. */
    public Optional<RunSummary> summary(String runId) {
        RunIds.requireValid(runId);
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<PartitionInfo> partitions = consumer.partitionsFor(config.topics().runSummaries(), TIMEOUT);
            if (partitions.isEmpty()) {
                return Optional.empty();
            }
            int partition = Utils.toPositive(Utils.murmur2(runId.getBytes(StandardCharsets.UTF_8)))
                    % partitions.size();
            return Optional.ofNullable(readAll(consumer,
                    List.of(new TopicPartition(config.topics().runSummaries(), partition))).get(runId));
        }
    }

    /** The latest summaries of {@code runIds} that have one; each partition they are in is read once. */
    public Map<String, RunSummary> summaries(java.util.Collection<String> runIds) {
        runIds.forEach(RunIds::requireValid);
        if (runIds.isEmpty()) {
            return Map.of();
        }
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<PartitionInfo> partitions = consumer.partitionsFor(config.topics().runSummaries(), TIMEOUT);
            if (partitions.isEmpty()) {
                return Map.of();
            }
            java.util.Set<TopicPartition> needed = new java.util.HashSet<>();
            runIds.forEach(runId -> needed.add(new TopicPartition(config.topics().runSummaries(),
                    partitionOf(runId, partitions.size()))));
            Map<String, RunSummary> all = readAll(consumer, List.copyOf(needed));
            Map<String, RunSummary> wanted = new java.util.HashMap<>();
            runIds.forEach(runId -> {
                RunSummary summary = all.get(runId);
                if (summary != null) {
                    wanted.put(runId, summary);
                }
            });
            return wanted;
        }
    }

    private static int partitionOf(String runId, int partitions) {
        return Utils.toPositive(Utils.murmur2(runId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The latest summary of every run, in no particular order. */
    public List<RunSummary> summaries() {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(config.topics().runSummaries(), TIMEOUT).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            return List.copyOf(readAll(consumer, partitions).values());
        }
    }

    private Map<String, RunSummary> readAll(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions) {
        Map<String, RunSummary> latest = new LinkedHashMap<>();
        if (partitions.isEmpty()) {
            return latest;
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
        Deadline deadline = Deadline.after(TIMEOUT);
        while (!caughtUp(consumer, ends) && !deadline.passed()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.value() == null) {
                    latest.remove(record.key());
                } else {
                    latest.put(record.key(), RunSummaryMapper.fromRecord(serde.decode(record.value())));
                }
            }
        }
        return latest;
    }

    private static boolean caughtUp(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(config.readCommittedConsumerProperties(), new StringDeserializer(),
                new ByteArrayDeserializer());
    }
}
