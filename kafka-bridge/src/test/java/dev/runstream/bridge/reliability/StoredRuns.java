package dev.runstream.bridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.fold.StepSummary;
import dev.runstream.core.testing.JsonEquality;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what Kafka stored, without Runstream's readers in between: a raw {@code read_committed} consumer on a topic,
 * and the checks every reliability test ends with — each chunk stored exactly once, in order, numbered from 0 — and
 * the summary the aggregator should hold, folded in memory from those same stored chunks.
 */
final class StoredRuns {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrap;
    private final ConfluentAvroSerde<ChunkRecord> serde;

    StoredRuns(String bootstrap, SchemaRegistryClient registry) {
        this.bootstrap = bootstrap;
        this.serde = new ConfluentAvroSerde<>(ChunkRecord.class, ChunkRecord.getClassSchema(), registry);
    }

    /** Every committed record of every partition of {@code topic}, partition by partition, in offset order. */
    List<ConsumerRecord<String, byte[]>> read(String topic) {
        return read(List.of(topic)).get(topic);
    }

    /**
     * Every committed record of each topic, partition by partition, in offset order: one consumer for all of them
     * (a consumer per topic spends about half a second on metadata each).
     */
    Map<String, List<ConsumerRecord<String, byte[]>>> read(Collection<String> topics) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed", "enable.auto.commit", false), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            Map<String, List<ConsumerRecord<String, byte[]>>> records = new LinkedHashMap<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, TIMEOUT)
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                records.put(topic, new ArrayList<>());
            }
            awaitDecided(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertThat(System.nanoTime()).as("reading %s to their ends %s", topics, ends).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(record -> records.get(record.topic()).add(record));
            }
            return records;
        }
    }

    /**
     * Waits until every transaction on the partitions is decided: each one's last stable offset (where a
     * {@code read_committed} reader ends) equals its high watermark. A commit returns before the broker has written
     * its markers (seconds later right after a broker restart), so chunks acknowledged to their writer can be
     * invisible for that long; a transaction that stays undecided (a hanging transaction) fails the test.
     */
    private void awaitDecided(List<TopicPartition> partitions) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new LinkedHashMap<>();
            partitions.forEach(partition -> latest.put(partition, org.apache.kafka.clients.admin.OffsetSpec.latest()));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> {
                        var stable = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                                org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get();
                        var written = admin.listOffsets(latest).all().get();
                        List<String> undecided = partitions.stream()
                                .filter(p -> stable.get(p).offset() < written.get(p).offset())
                                .map(p -> p + " (LSO " + stable.get(p).offset() + ", HW " + written.get(p).offset()
                                        + ")").toList();
                        assertThat(undecided).as("partitions with an undecided transaction").isEmpty();
                    });
        }
    }

    /** Last stable offset, high watermark and the partition's producers' open transactions, for a failure. */
    String diagnose(String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        StringBuilder out = new StringBuilder();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", bootstrap))) {
            for (int attempt = 0; attempt < 2; attempt++) {
                var committed = admin.listOffsets(Map.of(partition,
                        org.apache.kafka.clients.admin.OffsetSpec.latest()),
                        new org.apache.kafka.clients.admin.ListOffsetsOptions(
                                org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
                        .partitionResult(partition).get().offset();
                var uncommitted = admin.listOffsets(Map.of(partition,
                        org.apache.kafka.clients.admin.OffsetSpec.latest())).partitionResult(partition).get().offset();
                var producers = admin.describeProducers(List.of(partition)).partitionResult(partition).get()
                        .activeProducers();
                out.append(String.format("attempt %d: LSO %d, HW %d, producers %s; ", attempt, committed,
                        uncommitted, producers));
                Thread.sleep(5_000);
            }
        } catch (Exception e) {
            out.append("diagnosis failed: ").append(e);
        }
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_uncommitted", "enable.auto.commit", false), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            out.append("uncommitted records: ");
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.append(r.offset()).append(':')
                        .append(RunstreamHeaders.get(r.headers(), RunstreamHeaders.SEQUENCE)).append(' '));
            }
        }
        return out.toString();
    }

    StoredChunk decode(ConsumerRecord<String, byte[]> record) {
        return ChunkRecordMapper.toStoredChunk(serde.decode(record.value()));
    }

    /**
     * Asserts that the run's topic holds exactly {@code intended}, once each, in order: record i has key
     * {@code runId}, header and field sequence i, and the JSON of chunk i. Returns the stored chunks.
     */
    List<StoredChunk> assertStoredExactlyOnce(String topic, String runId, List<Chunk> intended) {
        return assertStoredExactlyOnce(topic, runId, intended, read(topic));
    }

    /** As {@link #assertStoredExactlyOnce(String, String, List)}, on records read already. */
    List<StoredChunk> assertStoredExactlyOnce(String topic, String runId, List<Chunk> intended,
            List<ConsumerRecord<String, byte[]>> records) {
        List<StoredChunk> stored = new ArrayList<>();
        List<String> sequences = records.stream()
                .map(r -> RunstreamHeaders.get(r.headers(), RunstreamHeaders.SEQUENCE)).toList();
        assertThat(sequences).as(() -> "sequence headers of run " + runId + " (" + diagnose(topic) + ")")
                .containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, intended.size()).mapToObj(Integer::toString).toList());
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            StoredChunk chunk = decode(record);
            assertThat(record.key()).as("key of %s@%d", topic, record.offset()).isEqualTo(runId);
            assertThat(chunk.runId()).isEqualTo(runId);
            assertThat(chunk.sequence()).as("sequence field of %s@%d", topic, record.offset()).isEqualTo(i);
            assertThat(JsonEquality.equal(chunk.chunk().json(), intended.get(i).json()))
                    .as("chunk %d of run %s: stored %s, written %s", i, runId, chunk.chunk().json(),
                            intended.get(i).json()).isTrue();
            stored.add(chunk);
        }
        return stored;
    }

    /** {@link RunFold} over the chunks the aggregator keeps: the non-transient ones, as stored. */
    static RunSummary fold(String runId, List<StoredChunk> stored) {
        RunFold.Accumulator fold = RunFold.accumulator(runId);
        stored.stream().filter(chunk -> !chunk.chunk().isTransient()).forEach(fold::accept);
        return fold.summary();
    }

    /** Whether two summaries agree, comparing usage by its JSON (the Avro mapping does not keep the raw form). */
    static void assertSameSummary(RunSummary actual, RunSummary expected) {
        assertThat(actual).as("summary of run %s", expected.runId()).isNotNull();
        assertThat(actual).usingRecursiveComparison().ignoringFields("usage", "steps").isEqualTo(expected);
        assertThat(actual.usage().toJson()).as("usage of run %s", expected.runId())
                .isEqualTo(expected.usage().toJson());
        assertThat(actual.steps().stream().map(StoredRuns::describe).toList())
                .isEqualTo(expected.steps().stream().map(StoredRuns::describe).toList());
    }

    private static String describe(StepSummary step) {
        return step.name() + "|" + step.status() + "|" + step.usage().toJson();
    }
}
