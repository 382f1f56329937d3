package dev.runstream.bridge.subscribe.internal;

import dev.runstream.bridge.subscribe.LiveChunk;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the older chunks of a run that a follower asks for but the run's window no longer holds (a reader that
 * reconnects to a long run from an early sequence). A few pooled consumers serve every such read, one at a time
 * each: never a consumer per reader.
 */
public final class CatchUpReader implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> props;
    private final ChunkRecordReader reader;
    private final Semaphore permits;
    private final BlockingQueue<KafkaConsumer<String, byte[]>> idle;

    public CatchUpReader(Map<String, Object> props, ChunkRecordReader reader, int consumers) {
        this.props = props;
        this.reader = reader;
        this.permits = new Semaphore(consumers);
        this.idle = new ArrayBlockingQueue<>(consumers);
    }

    /**
     * The chunks of the run in {@code partition} with {@code from <= sequence < to}, in order, at most {@code max}
     * of them (a reader far behind catches up in several reads, so that none holds more than {@code max}), reading
     * the partition from {@code startOffset} (-1: from its start).
     */
    public List<LiveChunk> read(String runId, TopicPartition partition, long startOffset, long from, long to, int max)
            throws InterruptedException {
        permits.acquire();
        KafkaConsumer<String, byte[]> consumer = idle.poll();
        try {
            if (consumer == null) {
                consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            }
            return read(consumer, runId, partition, startOffset, from, to, max);
        } catch (RuntimeException e) {
            if (consumer != null) {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
                consumer = null;
            }
            throw e;
        } finally {
            if (consumer != null) {
                consumer.unsubscribe();
                idle.offer(consumer);
            }
            permits.release();
        }
    }

    private List<LiveChunk> read(KafkaConsumer<String, byte[]> consumer, String runId, TopicPartition partition,
            long startOffset, long from, long to, int max) {
        List<LiveChunk> out = new ArrayList<>();
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
                if (!runId.equals(record.key())) {
                    continue;
                }
                if (startOffset >= 0 && record.value() == null && RunstreamHeaders.isEraseMarker(record.headers())) {
                    // Erased, in a shared partition (read from an offset, not its start), which keeps the run's
                    // records until retention: nothing before the marker counts.
                    out.clear();
                    continue;
                }
                var stored = reader.read(record);
                if (stored.isEmpty()) {
                    continue;
                }
                long sequence = stored.get().sequence();
                if (sequence >= to || out.size() >= max) {
                    return out;
                }
                if (sequence >= from) {
                    out.add(LiveChunks.of(stored.get()));
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        KafkaConsumer<String, byte[]> consumer;
        while ((consumer = idle.poll()) != null) {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(1)));
        }
    }
}
