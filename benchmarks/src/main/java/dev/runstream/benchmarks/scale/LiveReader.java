package dev.runstream.benchmarks.scale;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * One SSE reader of one run, opened before the run's first chunk: {@link #awaitConnected} returns once the bridge
 * answered (its first comment line), and every chunk event is handed to the sink with the time its data line came.
 */
public final class LiveReader implements Flow.Subscriber<String> {

    /** Told of each chunk event: its sequence and when its data line arrived (System.nanoTime). */
    public interface Sink {
        void chunk(long sequence, long receivedNanos);
    }

    private final CountDownLatch connected = new CountDownLatch(1);
    private final CompletableFuture<Boolean> ended = new CompletableFuture<>();
    private final SseEventParser parser;
    private volatile Flow.Subscription subscription;
    private volatile long errors;
    private volatile long chunks;

    private LiveReader(Sink sink) {
        this.parser = new SseEventParser(event -> {
            if (event.error()) {
                errors++;
            } else {
                chunks++;
                sink.chunk(event.id(), event.dataNanos());
            }
        });
    }

    /** Opens a reader of {@code runId} from its start. */
    public static LiveReader open(RunClient client, String runId, Sink sink) {
        LiveReader reader = new LiveReader(sink);
        client.stream(runId, Optional.empty(), reader).whenComplete((response, error) -> {
            if (error != null || response.statusCode() != 200) {
                reader.connected.countDown();
                reader.ended.complete(false);
            }
        });
        return reader;
    }

    /** Waits until the bridge answered; false when it did not within {@code millis}. */
    public boolean awaitConnected(long millis) throws InterruptedException {
        return connected.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Completes with true when the stream ended (after the terminal chunk), false when it failed. */
    public CompletableFuture<Boolean> ended() {
        return ended;
    }

    public long errors() {
        return errors;
    }

    public long chunks() {
        return chunks;
    }

    public void cancel() {
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
        ended.complete(false);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        connected.countDown();
        parser.line(line, System.nanoTime());
    }

    @Override
    public void onError(Throwable throwable) {
        connected.countDown();
        ended.complete(false);
    }

    @Override
    public void onComplete() {
        connected.countDown();
        ended.complete(true);
    }
}
