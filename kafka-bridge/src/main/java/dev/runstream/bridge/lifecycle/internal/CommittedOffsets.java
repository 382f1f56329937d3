package dev.runstream.bridge.lifecycle.internal;

import dev.runstream.core.Deadline;
import dev.runstream.core.RunstreamException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What a consumer group (the aggregator, by its application id) has committed, asked of the group coordinator. */
public final class CommittedOffsets {

    private static final Duration RETRY = Duration.ofMillis(100);

    private final Admin admin;
    private final String groupId;

    public CommittedOffsets(Admin admin, String groupId) {
        this.admin = admin;
        this.groupId = groupId;
    }

    /**
     * Waits until the group has committed past each record: a committed offset above the record's offset means the
     * group processed it, and with exactly-once, that what it wrote on the way committed in the same transaction.
     *
     * @return whether it did before the deadline
     */
    public boolean awaitPast(Map<TopicPartition, Long> records, Deadline deadline) {
        while (true) {
            if (committedPast(records, deadline)) {
                return true;
            }
            if (deadline.passed()) {
                return false;
            }
            deadline.pause(RETRY);
        }
    }

    private boolean committedPast(Map<TopicPartition, Long> records, Deadline deadline) {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get(Math.max(1, deadline.remaining().toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new RunstreamException("could not read the offsets of group " + groupId + ": " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("interrupted while reading the offsets of group " + groupId, e);
        }
        return records.entrySet().stream().allMatch(record -> {
            OffsetAndMetadata offset = committed.get(record.getKey());
            return offset != null && offset.offset() > record.getValue();
        });
    }
}
