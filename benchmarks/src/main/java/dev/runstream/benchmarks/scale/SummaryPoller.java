package dev.runstream.benchmarks.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.benchmarks.report.Latencies;
import dev.runstream.core.testing.Corpus;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads {@code GET /v1/runs/{id}} at a fixed rate, in turn over the runs handed to it once their POST was
 * acknowledged, until each shows its final status. A 200 counts as available; a 404 more than a second after the
 * acknowledgement, a 503 or a failure count as not available (a 404 within that second is not counted). Freshness:
 * acknowledgement → a summary at all, and → the final status.
 */
public final class SummaryPoller implements AutoCloseable {

    static final long GRACE_NANOS = 1_000_000_000L;
    private static final long GIVE_UP_NANOS = 60_000_000_000L;

    private record Tracked(String runId, String expectedStatus, long ackNanos, boolean[] exists) {
    }

    private final RunClient client;
    private final long gapNanos;
    private final Deque<Tracked> pending = new ArrayDeque<>();
    private final Latencies exists = new Latencies();
    private final Latencies fresh = new Latencies();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong available = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong early404 = new AtomicLong();
    private final AtomicLong status503 = new AtomicLong();
    private final AtomicLong late404 = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private final AtomicLong tracked = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public SummaryPoller(RunClient client, int readsPerSecond) {
        this.client = client;
        this.gapNanos = 1_000_000_000L / readsPerSecond;
        this.thread = Thread.ofPlatform().daemon().name("scale-summary-poller").start(this::loop);
    }

    /** Follows {@code runId}, whose chunks were all acknowledged at {@code ackNanos}. */
    public synchronized void track(String runId, String expectedStatus, long ackNanos) {
        tracked.incrementAndGet();
        pending.addLast(new Tracked(runId, expectedStatus, ackNanos, new boolean[1]));
    }

    private synchronized Tracked next() {
        Tracked t = pending.pollFirst();
        while (t != null && System.nanoTime() - t.ackNanos() > GIVE_UP_NANOS) {
            gaveUp.incrementAndGet();
            t = pending.pollFirst();
        }
        return t;
    }

    private synchronized void again(Tracked t) {
        pending.addLast(t);
    }

    private void loop() {
        long due = System.nanoTime();
        while (running) {
            due += gapNanos;
            for (long now = System.nanoTime(); now < due && running; now = System.nanoTime()) {
                LockSupport.parkNanos(due - now);
            }
            Tracked t = next();
            if (t != null && !read(t)) {
                again(t);
            }
        }
    }

    /** One read; true when the run is done with (final status seen). */
    private boolean read(Tracked t) {
        reads.incrementAndGet();
        try {
            RunClient.Reply reply = client.summary(t.runId());
            long now = System.nanoTime();
            if (reply.status() == 200) {
                available.incrementAndGet();
                if (!t.exists()[0]) {
                    t.exists()[0] = true;
                    exists.recordNanos(now - t.ackNanos());
                }
                JsonNode summary = Corpus.parse(reply.body());
                if (t.expectedStatus().equals(summary.path("status").asText())) {
                    fresh.recordNanos(now - t.ackNanos());
                    return true;
                }
            } else if (reply.status() == 404 && now - t.ackNanos() <= GRACE_NANOS) {
                early404.incrementAndGet();
            } else {
                unavailable.incrementAndGet();
                (reply.status() == 404 ? late404 : status503).incrementAndGet();
            }
        } catch (java.io.IOException | RuntimeException e) {
            unavailable.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        return false;
    }

    /** The share of counted reads that found a summary, in percent (100 when none was counted). */
    public double availablePercent() {
        long counted = available.get() + unavailable.get();
        return counted == 0 ? 100 : 100.0 * available.get() / counted;
    }

    public Latencies freshness() {
        return fresh;
    }

    public Latencies existence() {
        return exists;
    }

    /** Followed runs that never showed their final status: given up on, or still pending. */
    public long neverFinal() {
        return gaveUp.get() + pendingRuns();
    }

    public synchronized int pendingRuns() {
        return pending.size();
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("reads", reads.get());
        node.put("trackedRuns", tracked.get());
        node.put("available", available.get());
        node.put("notAvailable", unavailable.get());
        node.put("notAvailable404AfterGrace", late404.get());
        node.put("notAvailableOtherStatusOrFailure", status503.get());
        node.put("notCounted404WithinGrace", early404.get());
        node.put("availablePercent", availablePercent());
        node.put("runsWithoutFinalStatusAfter60s", gaveUp.get());
        node.put("runsStillPendingAtEnd", pendingRuns());
        node.set("ackToSummaryExists", exists.toJson());
        node.set("ackToFinalStatus", fresh.toJson());
        return node;
    }

    /** Waits up to {@code millis} for the pending runs to show their final status, then stops. */
    public void drain(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (pendingRuns() > 0 && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        close();
    }

    @Override
    public void close() {
        running = false;
        Checks.joinQuietly(thread);
    }
}
