package dev.runstream.bridge.publish.internal;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.wire.RunTopics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher's transactional Kafka producer through its life: made with the publisher's settings, made again after
 * a failure left it unusable, and replaced once it has written to {@link #TOPICS_PER_PRODUCER} topics. Only the
 * publisher's sender thread changes it; any thread may read the current one.
 */
public final class TransactionalProducer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalProducer.class);
    /** How many topics one producer writes before it is replaced ({@link #recycleIfWorn}). */
    public static final int TOPICS_PER_PRODUCER = 5_000;

    private final Map<String, Object> props;
    private volatile KafkaProducer<String, byte[]> producer;
    private int topicsWritten;
    private long producers = 1;

    public TransactionalProducer(RunstreamConfig config, RunTopics topics) {
        this.props = new HashMap<>(config.clientProperties("producer"));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topics.prefix() + "-publisher-" + UUID.randomUUID());
        // A publisher that dies leaves its open transaction to time out, and read_committed readers of the runs it
        // was writing wait for that: 10 s, as Kafka Streams uses under exactly-once, rather than the producer's 60 s.
        props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        // Topics not written for this long leave the producer's metadata, and the metadata it asks for: a run topic
        // is deleted only once its run has been quiet for longer (run.topic.delete.after.ms), so the producer never
        // asks for a topic that is gone (which Kafka's client logs as a warning).
        props.putIfAbsent(ProducerConfig.METADATA_MAX_IDLE_CONFIG, 5_000);
        props.putIfAbsent(ProducerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
        this.producer = newProducer();
    }

    /** The producer's {@code max.request.size}: the largest record batch it sends. */
    public int maxRequestSize() {
        return Integer.parseInt(String.valueOf(props.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                1024 * 1024)));
    }

    /** The current producer, or null while a failure left none. */
    public KafkaProducer<String, byte[]> current() {
        return producer;
    }

    /** The producer, made again if a failure discarded it (sender thread only). */
    public KafkaProducer<String, byte[]> get() {
        KafkaProducer<String, byte[]> made = producer;
        if (made == null) {
            made = newProducer();
            producer = made;
        }
        return made;
    }

    /** Closes the producer at once after a failure that left it unusable; the next {@link #get} makes another. */
    public void discard() {
        KafkaProducer<String, byte[]> discarded = producer;
        producer = null;
        if (discarded != null) {
            discarded.close(Duration.ZERO);
        }
    }

    /** Counts a topic the current producer is handed for the first time (sender thread only). */
    public void topicWritten() {
        topicsWritten++;
    }

    /**
     * Starts a new producer once this one has written to {@link #TOPICS_PER_PRODUCER} topics, between two
     * transactions (sender thread only): Kafka's producer keeps a record accumulator entry for every topic it ever
     * wrote, which it walks on every send, so with a topic per run a producer that lives for ever slows down, and
     * grows, with history. Returns whether it did.
     */
    public boolean recycleIfWorn() {
        if (topicsWritten < TOPICS_PER_PRODUCER) {
            return false;
        }
        topicsWritten = 0;
        KafkaProducer<String, byte[]> worn = producer;
        producer = null;
        if (worn != null) {
            worn.close(Duration.ofSeconds(10));
        }
        get();
        producers++;
        LOG.debug("publisher: producer {} started after {} topics", producers, TOPICS_PER_PRODUCER);
        return true;
    }

    /** The current producer's metrics; empty while it is being replaced. */
    public Map<MetricName, ? extends Metric> metrics() {
        KafkaProducer<String, byte[]> current = producer;
        return current == null ? Map.of() : current.metrics();
    }

    /**
     * A new transactional producer. Its {@code initTransactions} also ends what a previous producer with the same
     * transactional id left open (aborted, or committed if its commit had begun), so that a run's stored chunks are
     * settled when a writer resumes it.
     */
    private KafkaProducer<String, byte[]> newProducer() {
        KafkaProducer<String, byte[]> created = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer());
        try {
            created.initTransactions();
        } catch (RuntimeException e) {
            created.close(Duration.ZERO);
            throw e;
        }
        return created;
    }

    @Override
    public void close() {
        KafkaProducer<String, byte[]> open = producer;
        if (open != null) {
            open.close(Duration.ofSeconds(10));
        }
    }
}
