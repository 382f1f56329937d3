package dev.runstream.bridge.subscribe.internal;

import dev.runstream.bridge.subscribe.RunSubscription;
import dev.runstream.bridge.subscribe.StartPosition;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.stream.RunStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one run's stream from its topic on a virtual thread of its own: waits for the topic, seeks to the start
 * position, appends every decoded chunk to the stream, and stops after the terminal chunk, after an error chunk
 * with nothing following within the grace time, or when closed.
 */
public final class LiveRunReader implements RunSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(LiveRunReader.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final RunStream stream;
    private final StartPosition start;
    private final TopicPartition partition;
    private final KafkaConsumer<String, byte[]> consumer;
    private final ChunkRecordReader reader;
    private final long errorGraceMs;
    private volatile boolean closed;
    private Thread thread;

    private LiveRunReader(String runId, StartPosition start, String topic, Map<String, Object> props,
            ChunkRecordReader reader, long errorGraceMs) {
        this.stream = RunStream.create(runId);
        this.start = start;
        this.partition = new TopicPartition(topic, 0);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.reader = reader;
        this.errorGraceMs = errorGraceMs;
    }

    public static LiveRunReader start(String runId, StartPosition start, String topic, Map<String, Object> props,
            ChunkRecordReader reader, long errorGraceMs) {
        LiveRunReader live = new LiveRunReader(runId, start, topic, props, reader, errorGraceMs);
        live.thread = Thread.ofVirtual().name("runstream-subscriber-" + runId).start(live::run);
        return live;
    }

    @Override
    public RunStream stream() {
        return stream;
    }

    private void run() {
        try {
            boolean existed = awaitTopic();
            if (closed) {
                return;
            }
            consumer.assign(List.of(partition));
            if (start.isLive() && existed) {
                consumer.seekToEnd(List.of(partition));
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
            long lastErrorAt = -1;
            while (!closed) {
                var records = consumer.poll(POLL);
                for (ConsumerRecord<String, byte[]> record : records) {
                    Optional<StoredChunk> chunk = reader.read(record);
                    if (chunk.isEmpty() || chunk.get().sequence() < start.sequence()) {
                        continue;
                    }
                    stream.append(chunk.get());
                    lastErrorAt = chunk.get().chunk().type().equals("error") ? System.currentTimeMillis() : -1;
                }
                if (stream.summary().isDone()) {
                    return;
                }
                if (lastErrorAt >= 0 && records.isEmpty() && System.currentTimeMillis() - lastErrorAt >= errorGraceMs) {
                    stream.close();
                    return;
                }
            }
        } catch (WakeupException e) {
            // closed
        } catch (RuntimeException e) {
            LOG.error("subscription to run '{}' failed", stream.runId(), e);
            stream.fail(e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            stream.close();
        }
    }

    /** Whether the topic existed at once (false: it was waited for, so "live" means from its first chunk). */
    private boolean awaitTopic() {
        boolean waited = false;
        while (!closed) {
            try {
                if (!consumer.partitionsFor(partition.topic(), Duration.ofSeconds(5)).isEmpty()) {
                    return !waited;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // not there yet
            }
            waited = true;
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
