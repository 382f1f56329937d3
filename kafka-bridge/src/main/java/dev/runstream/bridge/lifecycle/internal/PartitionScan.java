package dev.runstream.bridge.lifecycle.internal;

import dev.runstream.core.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads one partition's committed records for the eraser, each read bounded by a {@link Deadline}. */
public final class PartitionScan implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, byte[]> consumer;

    /** @param consumerProps a consumer without group that reads committed records only */
    public PartitionScan(Map<String, Object> consumerProps) {
        this.consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The end of the partition for a {@code read_committed} reader now (its last stable offset). */
    public long end(TopicPartition partition, Deadline deadline) {
        return consumer.endOffsets(List.of(partition), deadline.remaining()).get(partition);
    }

    /**
     * Whether the last record of {@code key} before {@code end} has a value (reads the partition from its start).
     *
     * @throws org.apache.kafka.common.errors.TimeoutException when the deadline passes first
     */
    public boolean hasValue(TopicPartition partition, String key, long end, Deadline deadline) {
        boolean present = false;
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        while (consumer.position(partition, deadline.remaining()) < end) {
            if (deadline.passed()) {
                throw new org.apache.kafka.common.errors.TimeoutException("reading " + partition + " up to offset "
                        + end + " took too long");
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                if (record.offset() < end && key.equals(record.key())) {
                    present = record.value() != null;
                }
            }
        }
        return present;
    }

    /** The first record from {@code start} on that {@code wanted} accepts, if one comes before the deadline. */
    public Optional<ConsumerRecord<String, byte[]>> find(TopicPartition partition, long start,
            Predicate<ConsumerRecord<String, byte[]>> wanted, Deadline deadline) {
        consumer.assign(List.of(partition));
        consumer.seek(partition, start);
        while (!deadline.passed()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                if (wanted.test(record)) {
                    return Optional.of(record);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
