package dev.runstream.bridge.lifecycle.internal;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.RunTopicCreator;
import dev.runstream.core.Deadline;
import dev.runstream.core.RunstreamException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The admin steps the eraser takes on topics, each turning Kafka's errors into a {@link RunstreamException} naming
 * what failed; a step given a {@link Deadline} that passes throws Kafka's {@code TimeoutException}.
 */
public final class TopicAdmin {

    private final Admin admin;

    public TopicAdmin(Admin admin) {
        this.admin = admin;
    }

    /** Whether the run topic exists and holds records. */
    public RunTopicState runTopicState(String topic, Deadline deadline) {
        if (partitionCount(topic, deadline).isEmpty()) {
            return new RunTopicState(false, false);
        }
        TopicPartition partition = new TopicPartition(topic, 0);
        try {
            long start = offset(partition, OffsetSpec.earliest(), deadline);
            long end = offset(partition, OffsetSpec.latest(), deadline);
            return new RunTopicState(true, start < end);
        } catch (UnknownTopicOrPartitionException e) {
            return new RunTopicState(false, false);
        }
    }

    /** The number of partitions of {@code topic}, or empty when it does not exist. */
    public Optional<Integer> partitionCount(String topic, Deadline deadline) {
        try {
            TopicDescription description = await(admin.describeTopics(List.of(topic)).topicNameValues().get(topic),
                    "describe topic " + topic, deadline);
            return Optional.of(description.partitions().size());
        } catch (UnknownTopicOrPartitionException e) {
            return Optional.empty();
        }
    }

    /** Creates the run topic as the publisher does (its settings, its leader awaited). */
    public void createRunTopic(RunstreamConfig config, String runId) {
        RunTopicCreator.create(config, admin, runId);
    }

    /** Deletes the topic; one that is gone already is fine. */
    public void deleteTopic(String topic) {
        try {
            await(admin.deleteTopics(List.of(topic)).all(), "delete topic " + topic, null);
        } catch (UnknownTopicOrPartitionException e) {
            // Gone already (e.g. by the topic reaper): what was asked.
        }
    }

    /** Deletes the partition's records below {@code offset}. */
    public void deleteRecordsBefore(TopicPartition partition, long offset) {
        await(admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(offset))).all(),
                "delete the records of " + partition + " below offset " + offset, null);
    }

    private long offset(TopicPartition partition, OffsetSpec spec, Deadline deadline) {
        ListOffsetsResultInfo info = await(admin.listOffsets(Map.of(partition, spec)).partitionResult(partition),
                "list the offsets of " + partition, deadline);
        return info.offset();
    }

    /**
     * The future's value; a missing topic comes out as {@link UnknownTopicOrPartitionException}, a deadline that
     * passes as Kafka's {@code TimeoutException}, anything else as a {@link RunstreamException}.
     */
    private static <T> T await(KafkaFuture<T> future, String what, Deadline deadline) {
        try {
            return deadline == null ? future.get()
                    : future.get(Math.max(1, deadline.remaining().toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException missing) {
                throw missing;
            }
            throw new RunstreamException("could not " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("could not " + what + " in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("interrupted while trying to " + what, e);
        }
    }
}
