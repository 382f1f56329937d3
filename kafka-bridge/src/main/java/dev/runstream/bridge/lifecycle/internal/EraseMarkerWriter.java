package dev.runstream.bridge.lifecycle.internal;

import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.Deadline;
import dev.runstream.core.RunstreamException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes erase markers: a record keyed by the run id, with no value and headers {@link RunstreamHeaders#CONTROL} =
 * {@code erase} and {@link RunstreamHeaders#ERASE_ID}. To the shared ingest topic the marker goes in a transaction of
 * its own, as the publisher writes there (the aggregator reads it {@code read_committed}); to a run topic with an
 * idempotent producer. Keyed by the run id, the marker lands in the partition that holds the run's chunks, after
 * them. The producer is made on first use. Not thread-safe: its owner serialises calls.
 */
public final class EraseMarkerWriter implements AutoCloseable {

    private final Map<String, Object> producerProps;
    private final boolean transactional;
    private KafkaProducer<String, byte[]> producer;

    /**
     * @param transactionalIdPrefix the prefix of the transactional id, when markers go to the ingest topic; null
     *                              otherwise
     */
    public EraseMarkerWriter(Map<String, Object> clientProps, String transactionalIdPrefix) {
        this.producerProps = new HashMap<>(clientProps);
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        this.transactional = transactionalIdPrefix != null;
        if (transactional) {
            producerProps.putIfAbsent(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    transactionalIdPrefix + "-eraser-" + UUID.randomUUID());
        }
    }

    /** Writes the marker and returns where it is, once Kafka has it (and, to the ingest topic, once committed). */
    public RecordMetadata write(String topic, String runId, String eraseId, Deadline deadline) {
        ProducerRecord<String, byte[]> marker = new ProducerRecord<>(topic, runId, null);
        RunstreamHeaders.put(marker.headers(), RunstreamHeaders.CONTROL, RunstreamHeaders.CONTROL_ERASE);
        RunstreamHeaders.put(marker.headers(), RunstreamHeaders.ERASE_ID, eraseId);
        KafkaProducer<String, byte[]> sender = producer();
        try {
            if (!transactional) {
                return sender.send(marker).get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
            }
            sender.beginTransaction();
            var sent = sender.send(marker);
            sender.commitTransaction();
            return sent.get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            discardProducer();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new RunstreamException("run '" + runId + "': the erase marker could not be written to " + topic
                    + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            discardProducer();
            throw new RunstreamException("run '" + runId + "': interrupted while writing the erase marker", e);
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
            if (transactional) {
                producer.initTransactions();
            }
        }
        return producer;
    }

    /** A producer whose write failed may be in a state it cannot leave (e.g. a failed transaction): start afresh. */
    private void discardProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
