package dev.runstream.bridge.control;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.control.internal.ControlFeed;
import dev.runstream.bridge.control.internal.HeardRequests;
import dev.runstream.bridge.wire.ControlRecord;
import dev.runstream.core.RunIds;
import dev.runstream.core.RunstreamException;
import dev.runstream.core.fold.CancelRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Cancel requests, from anyone to a run's writer wherever it runs. {@link #requestCancel} writes a request to
 * {@code {prefix}.run-control}; every {@code RunControl} of the cluster hears it ({@link #cancellation}), and the
 * aggregator records it in the run's summary. The writer then ends the run as Mastra ends an aborted one (an
 * {@code abort} chunk, then {@code finish}): a Java writer by waiting on {@link #cancellation}, an HTTP writer by
 * the cancel in its ingest replies or by {@code GET /v1/runs/{runId}/control}. A writer that does not end the run
 * within {@code run.cancel.grace.ms} is taken to be gone and the run is ended for it ({@link CanceledRunCloser}).
 *
 * <p>Requests are heard from the moment this instance started; the last {@value HeardRequests#CAPACITY} are kept
 * for {@link HeardRequests#KEPT} so that a writer that asks a little later still learns of them. Thread-safe.
 */
public final class RunControl implements AutoCloseable {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final String topic;
    private final Clock clock;
    private final HeardRequests heard;
    private final ControlFeed feed;
    private final KafkaProducer<String, byte[]> producer;

    /** Starts hearing requests; returns once this instance hears every request written from now on. */
    public RunControl(RunstreamConfig config, Clock clock) {
        this.topic = config.topics().runControl();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.heard = new HeardRequests(clock);
        Map<String, Object> producerProps = config.clientProperties("producer");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() / 2);
        this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        try {
            this.feed = ControlFeed.start(config, topic, heard);
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * Asks for {@code runId} to be canceled and returns the request once Kafka has it. It does not look at the run:
     * whether it exists or has ended is the caller's question (the HTTP route asks the run's summary first).
     *
     * @param requestedBy who asks, as the caller authenticated them
     * @param reason      why; {@code ""} when not said
     * @throws RunstreamException naming the run when the request could not be written
     */
    public CancelRequest requestCancel(String runId, String requestedBy, String reason) {
        RunIds.requireValid(runId);
        // To the millisecond: the summary keeps it so (Avro timestamp-millis), and the reply must say the same.
        CancelRequest request = new CancelRequest(UUID.randomUUID().toString(),
                Objects.requireNonNull(requestedBy, "requestedBy"), clock.instant().truncatedTo(ChronoUnit.MILLIS),
                Objects.requireNonNull(reason, "reason"));
        try {
            producer.send(new ProducerRecord<>(topic, runId, ControlRecord.cancelValue(runId, request)))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return request;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new RunstreamException("run '" + runId + "': the cancel request could not be written to " + topic
                    + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunstreamException("run '" + runId + "': interrupted while writing the cancel request", e);
        }
    }

    /**
     * Completes with the first cancel request of {@code runId} heard (at once when one was heard lately). A writer
     * waits on it and aborts its run: {@code control.cancellation(runId).thenRun(abortController::abort)}. Never
     * fails; a stage left waiting when this instance closes stays incomplete.
     */
    public CompletionStage<CancelRequest> cancellation(String runId) {
        return heard.waitFor(RunIds.requireValid(runId));
    }

    /** The cancel request of {@code runId} heard lately, if any. */
    public Optional<CancelRequest> heard(String runId) {
        return heard.get(runId);
    }

    /** Calls {@code listener} with each request heard from now on (on the hearing thread: keep it short). */
    public void onRequest(BiConsumer<String, CancelRequest> listener) {
        heard.addListener(listener);
    }

    @Override
    public void close() {
        feed.close();
        producer.close(Duration.ofSeconds(5));
    }
}
