package dev.runstream.bridge.control.internal;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.wire.ControlRecord;
import dev.runstream.core.RunstreamException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * Reads {@code {prefix}.run-control} on a thread of its own: every partition, by assignment (no group: every
 * instance hears every request), from its end when the feed started. A record that is not a cancel request is
 * logged and skipped.
 */
public final class ControlFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlFeed.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaConsumer<String, byte[]> consumer;
    private final HeardRequests heard;
    private final Thread thread;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private volatile RuntimeException startFailure;
    private volatile boolean closing;

    private ControlFeed(RunstreamConfig config, String topic, HeardRequests heard) {
        this.consumer = new KafkaConsumer<>(config.readCommittedConsumerProperties(), new StringDeserializer(),
                new ByteArrayDeserializer());
        this.heard = heard;
        this.thread = new Thread(() -> run(topic), "runstream-run-control");
        thread.setDaemon(true);
    }

    /** Starts the feed; returns once it reads from the end of every partition. */
    public static ControlFeed start(RunstreamConfig config, String topic, HeardRequests heard) {
        ControlFeed feed = new ControlFeed(config, topic, heard);
        feed.thread.start();
        try {
            if (!feed.positioned.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                feed.close();
                throw new RunstreamException("the run-control feed could not find the end of " + topic + " within "
                        + START_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            feed.close();
            throw new RunstreamException("interrupted while starting the run-control feed", e);
        }
        if (feed.startFailure != null) {
            feed.close();
            throw feed.startFailure;
        }
        return feed;
    }

    private void run(String topic) {
        try {
            List<TopicPartition> partitions = partitions(topic);
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
        } catch (RuntimeException e) {
            startFailure = e instanceof RunstreamException r ? r
                    : new RunstreamException("the run-control feed could not read " + topic + ": " + e, e);
            positioned.countDown();
            consumer.close(Duration.ZERO);
            return;
        }
        positioned.countDown();
        try {
            while (!closing) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    try {
                        heard.hear(record.key(), ControlRecord.cancelRequest(record.key(), record.value()));
                    } catch (IllegalArgumentException e) {
                        LOG.warn("Skipped run-control record {}-{}@{}: {}", record.topic(), record.partition(),
                                record.offset(), e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("The run-control feed stopped: cancel requests are no longer heard on this instance", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private List<TopicPartition> partitions(String topic) {
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
