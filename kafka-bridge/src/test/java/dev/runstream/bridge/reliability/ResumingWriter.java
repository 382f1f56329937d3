package dev.runstream.bridge.reliability;

import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.core.chunk.Chunk;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A writer of one run that survives failed writes, as a runtime should: it hands chunk after chunk to the publisher
 * without waiting for each (paced like a model's output). When a stage fails — a {@code RunstreamException} naming
 * the run and the chunk — it stops handing chunks over, lets every stage it still holds complete, calls
 * {@link KafkaRunPublisher#resume(String)} (again, until Kafka answers) and goes on with the chunk whose index is the
 * sequence number that gives: one past the last chunk stored (a run's chunk i is its sequence i).
 */
final class ResumingWriter implements Callable<ResumingWriter.Report> {

    /** What one writer saw: failed stages, resumes, and any acknowledged sequence that was not the chunk's index. */
    record Report(String runId, int failedChunks, int resumes, List<String> anomalies) {
    }

    private record Sent(int index, CompletableFuture<Long> stage) {
    }

    private final KafkaRunPublisher publisher;
    private final String runId;
    private final List<Chunk> chunks;
    /** Chunks handed over, and stages completed (stored or failed), for the test to act on. */
    private final AtomicLong handedOver;
    private final AtomicInteger failures;

    ResumingWriter(KafkaRunPublisher publisher, String runId, List<Chunk> chunks,
            AtomicLong handedOver, AtomicInteger failures) {
        this.publisher = publisher;
        this.runId = runId;
        this.chunks = chunks;
        this.handedOver = handedOver;
        this.failures = failures;
    }

    @Override
    public Report call() throws InterruptedException {
        int failed = 0;
        int resumes = 0;
        List<String> anomalies = new ArrayList<>();
        Deque<Sent> outstanding = new ArrayDeque<>();
        int next = 0;
        while (next < chunks.size()) {
            CompletableFuture<Long> stage = publisher.accept(runId, chunks.get(next)).toCompletableFuture();
            handedOver.incrementAndGet();
            stage.whenComplete((sequence, error) -> {
                if (error != null) {
                    failures.incrementAndGet();
                }
            });
            outstanding.add(new Sent(next, stage));
            next++;
            Thread.sleep(ThreadLocalRandom.current().nextInt(20, 80));
            boolean anyFailed = outstanding.stream().anyMatch(s -> s.stage().isCompletedExceptionally());
            if (!anyFailed && next < chunks.size()) {
                continue;
            }
            int failedNow = settle(outstanding, anomalies);
            if (failedNow > 0) {
                failed += failedNow;
                resumes++;
                next = (int) resume(anomalies);
            }
        }
        return new Report(runId, failed, resumes, anomalies);
    }

    /** Waits for every outstanding stage; returns how many failed. */
    private int settle(Deque<Sent> outstanding, List<String> anomalies) {
        int failed = 0;
        for (Sent sent : outstanding) {
            try {
                long sequence = sent.stage().join();
                if (sequence != sent.index()) {
                    anomalies.add("run " + runId + ": chunk " + sent.index() + " acknowledged as sequence " + sequence);
                }
            } catch (CompletionException e) {
                failed++;
            }
        }
        outstanding.clear();
        return failed;
    }

    /**
     * One past the last sequence number stored in the run's topic, asked again until Kafka answers; after two minutes
     * an anomaly, and the run is given up.
     */
    private long resume(List<String> anomalies) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                return publisher.resume(runId).toCompletableFuture().join();
            } catch (CompletionException e) {
                last = e.getCause();
                Thread.sleep(200);
            }
        }
        anomalies.add("run " + runId + ": could not be resumed within two minutes: " + last);
        return chunks.size();
    }
}
