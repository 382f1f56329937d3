package dev.runstream.benchmarks.sse;

import dev.runstream.benchmarks.load.LiveRecorder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many SSE readers in this JVM, on one {@code java.net.http.HttpClient} (HTTP/1.1, one connection each): reader
 * {@code i} reads {@code GET /v1/runs/<run i % runs>/stream} (Mastra format, from the run's start) and reports every
 * chunk ({@code data:} line of a chunk event) to the recorder. Connections are opened at most
 * {@code maxOpening} at a time: a reader counts as open once its run's first chunk arrived.
 */
final class SseClients implements AutoCloseable {

    private static final Duration OPENING_TIMEOUT = Duration.ofSeconds(120);

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).executor(executor).build();
    private final List<Reader> readers = new ArrayList<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong errorEvents = new AtomicLong();

    /** Opens {@code count} readers of {@code runIds} against the bridge on {@code port}; returns once all asked. */
    void open(int port, List<String> runIds, int count, LiveRecorder recorder, int maxOpening)
            throws InterruptedException {
        Semaphore opening = new Semaphore(maxOpening);
        for (int i = 0; i < count; i++) {
            if (!opening.tryAcquire(OPENING_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                // Fail the benchmark rather than hang it: seen with 1 000 runs (BENCHMARKS.md, full mode).
                throw new IllegalStateException(maxOpening + " SSE readers opened before reader " + i + " got no "
                        + "first chunk within " + OPENING_TIMEOUT.toSeconds() + " s (" + failures.get()
                        + " requests failed)");
            }
            Reader reader = new Reader(i, recorder, opening);
            readers.add(reader);
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/runs/"
                    + runIds.get(i % runIds.size()) + "/stream")).header("Accept", "text/event-stream").GET().build();
            client.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(reader)).whenComplete(
                    (response, error) -> {
                        if (error != null || response.statusCode() != 200) {
                            failures.incrementAndGet();
                            reader.releaseOpening();
                        }
                    });
        }
    }

    /** Readers whose request failed or was answered with another status than 200. */
    long failures() {
        return failures.get();
    }

    /** {@code event: error} events received (e.g. a reader cut for being too slow). */
    long errorEvents() {
        return errorEvents.get();
    }

    @Override
    public void close() {
        readers.forEach(Reader::cancel);
        client.shutdownNow();
        try {
            client.awaitTermination(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One SSE stream's lines. */
    private final class Reader implements Flow.Subscriber<String> {

        private final int index;
        private final LiveRecorder recorder;
        private final Semaphore opening;
        private volatile Flow.Subscription subscription;
        private boolean released;
        private boolean inErrorEvent;

        Reader(int index, LiveRecorder recorder, Semaphore opening) {
            this.index = index;
            this.recorder = recorder;
            this.opening = opening;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith("event: error")) {
                inErrorEvent = true;
                errorEvents.incrementAndGet();
            } else if (line.startsWith("data: ")) {
                if (!inErrorEvent) {
                    recorder.received(index);
                    releaseOpening();
                }
            } else if (line.isEmpty()) {
                inErrorEvent = false;
            }
        }

        synchronized void releaseOpening() {
            if (!released) {
                released = true;
                opening.release();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            releaseOpening();
        }

        @Override
        public void onComplete() {
            releaseOpening();
        }

        void cancel() {
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
        }
    }
}
