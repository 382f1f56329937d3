package dev.runstream.bridge.subscribe;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.core.RunstreamException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of a topic, read committed, from where its end was when the tail started, on a thread of its
 * own, and hands each record to a handler on that thread. By assignment, not a group: every process that runs a tail
 * sees every record. What {@code {prefix}.run-control} and {@code {prefix}.run-summaries} are followed with.
 */
public final class TopicTail implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final String topic;
    private final String what;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Consumer<ConsumerRecord<String, byte[]>> handler;
    private final Thread thread;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private volatile RuntimeException startFailure;
    private volatile boolean closing;

    private TopicTail(RunstreamConfig config, String topic, String what,
            Consumer<ConsumerRecord<String, byte[]>> handler) {
        this.topic = topic;
        this.what = what;
        this.handler = handler;
        this.consumer = new KafkaConsumer<>(config.readCommittedConsumerProperties(), new StringDeserializer(),
                new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "runstream-" + what.replace(' ', '-'));
        thread.setDaemon(true);
    }

    /**
     * Starts following {@code topic}; returns once it reads from the end of every partition.
     *
     * @param what    what the tail is, in words, for its thread and its log lines ("run-control feed")
     * @param handler takes each record; it must not block, and what it throws stops nothing but is logged
     * @throws RunstreamException when the topic does not exist within a minute
     */
    public static TopicTail start(RunstreamConfig config, String topic, String what,
            Consumer<ConsumerRecord<String, byte[]>> handler) {
        TopicTail tail = new TopicTail(config, topic, what, handler);
        tail.thread.start();
        try {
            if (!tail.positioned.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                tail.close();
                throw new RunstreamException("the " + what + " could not find the end of " + topic + " within "
                        + START_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tail.close();
            throw new RunstreamException("interrupted while starting the " + what, e);
        }
        if (tail.startFailure != null) {
            tail.close();
            throw tail.startFailure;
        }
        return tail;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
        } catch (RuntimeException e) {
            startFailure = e instanceof RunstreamException r ? r
                    : new RunstreamException("the " + what + " could not read " + topic + ": " + e, e);
            positioned.countDown();
            consumer.close(Duration.ZERO);
            return;
        }
        positioned.countDown();
        try {
            while (!closing) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    try {
                        handler.accept(record);
                    } catch (RuntimeException e) {
                        LOG.warn("The {} skipped {}-{}@{} (key '{}'): {}", what, record.topic(), record.partition(),
                                record.offset(), record.key(), e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("The {} stopped reading {}", what, topic, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private List<TopicPartition> partitions() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            }
            if (System.nanoTime() > deadline) {
                throw new RunstreamException("the topic " + topic + " does not exist: it is created by the "
                        + "aggregator (or the publisher) on start");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunstreamException("interrupted while looking for " + topic, e);
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            consumer.wakeup();
        } catch (RuntimeException e) {
            // already closed
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
