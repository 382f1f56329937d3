package dev.runstream.bridge.subscribe;

import dev.runstream.bridge.subscribe.internal.ChunkRecordReader;
import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.core.chunk.StoredChunk;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership of a consumer group that reads every run topic (the quoted-prefix pattern), handing each chunk to a
 * handler on its own thread and committing after each handled batch (at-least-once). Only records keyed by their
 * topic's run are handed over (and only chunks of that run, see {@code ChunkRecordReader}). In the shared layout the
 * group reads {@code {prefix}.runs}, whose records are keyed by their run.
 */
public final class AllRunsSubscription implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AllRunsSubscription.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean closed;

    private final boolean shared;

    private AllRunsSubscription(KafkaConsumer<String, byte[]> consumer, RunTopics topics, boolean shared,
            ChunkRecordReader reader, Consumer<StoredChunk> handler) {
        this.consumer = consumer;
        this.shared = shared;
        this.thread = Thread.ofPlatform().name("runstream-all-runs").daemon()
                .unstarted(() -> loop(topics, reader, handler));
    }

    static AllRunsSubscription start(KafkaConsumer<String, byte[]> consumer, RunTopics topics, boolean shared,
            ChunkRecordReader reader, Consumer<StoredChunk> handler) {
        AllRunsSubscription subscription = new AllRunsSubscription(consumer, topics, shared, reader, handler);
        subscription.thread.start();
        return subscription;
    }

    private void loop(RunTopics topics, ChunkRecordReader reader, Consumer<StoredChunk> handler) {
        try {
            if (shared) {
                consumer.subscribe(java.util.List.of(topics.runs()));
            } else {
                consumer.subscribe(topics.runTopicPattern());
            }
            while (!closed) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, byte[]> record : records) {
                    boolean ofItsRun = shared ? record.key() != null && dev.runstream.core.RunIds.isValid(record.key())
                            : topics.runIdOf(record.topic()).filter(run -> !run.startsWith("--"))
                                    .filter(run -> run.equals(record.key())).isPresent();
                    if (!ofItsRun || record.value() == null) {
                        continue;
                    }
                    reader.read(record).ifPresent(chunk -> handle(handler, chunk));
                }
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException e) {
            // closed
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private static void handle(Consumer<StoredChunk> handler, StoredChunk chunk) {
        try {
            handler.accept(chunk);
        } catch (RuntimeException e) {
            LOG.error("handler failed on chunk {} of run '{}'; going on", chunk.sequence(), chunk.runId(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
