package dev.runstream.benchmarks.scale;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.function.ObjLongConsumer;

/**
 * The bridge's HTTP API as the scale benchmark uses it, on one {@code java.net.http.HttpClient} (HTTP/1.1, virtual
 * threads): a run written in one POST or streamed a chunk at a time in one POST, its summary, its SSE stream.
 */
public final class RunClient implements AutoCloseable {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(30);

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).executor(executor).build();
    private final String base;

    public RunClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A reply: status and body. */
    public record Reply(int status, String body) {
    }

    /** {@code POST /v1/runs/{runId}/chunks} of the whole run, positions given (a retry would be idempotent). */
    public Reply postAll(ScenarioRun run) throws java.io.IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(chunksUri(run.runId())).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-ndjson").header("Runstream-First-Sequence", "0")
                .POST(HttpRequest.BodyPublishers.ofString(run.body())).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }

    /**
     * One POST whose body is {@code lines}, one line every {@code interval} (chunked transfer); {@code sent} is told
     * each line's index and the time it was handed to the connection. Returns once the reply came.
     */
    public Reply postStreamed(String runId, List<String> lines, Duration interval, ObjLongConsumer<Integer> sent)
            throws java.io.IOException, InterruptedException {
        return postStreamed(runId, k -> k < lines.size() ? lines.get(k) : null, interval, sent);
    }

    /** As the one above, with line {@code k} from {@code lines} until it gives null. */
    public Reply postStreamed(String runId, java.util.function.IntFunction<String> lines, Duration interval,
            ObjLongConsumer<Integer> sent) throws java.io.IOException, InterruptedException {
        SubmissionPublisher<ByteBuffer> body = new SubmissionPublisher<>(executor, 16);
        try {
            HttpRequest request = HttpRequest.newBuilder(chunksUri(runId)).header("Content-Type",
                    "application/x-ndjson")
                    .header("Runstream-First-Sequence", "0")
                    .POST(HttpRequest.BodyPublishers.fromPublisher(body)).build();
            CompletableFuture<HttpResponse<String>> reply = client.sendAsync(request,
                    HttpResponse.BodyHandlers.ofString());
            awaitSubscriber(body, reply);
            for (int k = 0;; k++) {
                if (k > 0) {
                    Thread.sleep(interval);
                }
                String line = lines.apply(k);
                if (line == null) {
                    break;
                }
                sent.accept(k, System.nanoTime());
                body.submit(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                if (reply.isDone()) {
                    break;
                }
            }
            body.close();
            HttpResponse<String> response = reply.join();
            return new Reply(response.statusCode(), response.body());
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.io.IOException io) {
                throw io;
            }
            throw e;
        } finally {
            body.close();
        }
    }

    /**
     * Waits until the client subscribed to the body: a {@link SubmissionPublisher} drops what is submitted before
     * it has a subscriber, and the first chunk would be lost.
     */
    private static void awaitSubscriber(SubmissionPublisher<ByteBuffer> body, CompletableFuture<?> reply)
            throws java.io.IOException, InterruptedException {
        long end = System.nanoTime() + SUBSCRIBE_TIMEOUT.toNanos();
        while (body.getNumberOfSubscribers() == 0) {
            if (reply.isDone() || System.nanoTime() > end) {
                throw new java.io.IOException("the HTTP client did not start sending the body within "
                        + SUBSCRIBE_TIMEOUT.toSeconds() + " s" + (reply.isDone() ? " (the request ended)" : ""));
            }
            Thread.sleep(1);
        }
    }

    /** {@code GET /v1/runs/{runId}}. */
    public Reply summary(String runId) throws java.io.IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/runs/" + runId))
                .timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }

    /** {@code GET /metrics}'s body, or empty when it failed or took longer than {@code timeout}. */
    public Optional<String> metrics(Duration timeout) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(timeout)
                    .GET().build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** {@code GET /v1/runs/{runId}/stream} (Mastra format), resumed after {@code lastEventId} when given. */
    public CompletableFuture<HttpResponse<Void>> stream(String runId, Optional<Long> lastEventId,
            Flow.Subscriber<String> lines) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/v1/runs/" + runId + "/stream"))
                .header("Accept", "text/event-stream").GET();
        lastEventId.ifPresent(id -> request.header("Last-Event-ID", Long.toString(id)));
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.fromLineSubscriber(lines));
    }

    private URI chunksUri(String runId) {
        return URI.create(base + "/v1/runs/" + runId + "/chunks");
    }

    @Override
    public void close() {
        client.shutdownNow();
        executor.shutdownNow();
    }
}
