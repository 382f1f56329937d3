package dev.runstream.benchmarks.scale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * The end-to-end check of sampled runs ({@link IntactCheck}): in the background, for runs acknowledged at least
 * {@code after} ago (and so before serve deletes finished runs' topics), and at the end for those left. In the soak
 * it also prints serve's ERROR and WARN counts as it goes.
 */
final class Checks implements AutoCloseable {

    private static final int KEPT_PROBLEMS = 10;

    private final RunClient client;
    private final Queue<ScaleLoad.Sampled> sampled;
    private final long afterNanos;
    private final ServeProcess serve;
    private final boolean logProgress;
    private final List<IntactCheck.Verdict> broken = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long checked;
    private long intact;

    Checks(RunClient client, Queue<ScaleLoad.Sampled> sampled, Duration after, boolean logProgress,
            ServeProcess serve) {
        this.client = client;
        this.sampled = sampled;
        this.afterNanos = after.toNanos();
        this.logProgress = logProgress;
        this.serve = serve;
        this.thread = Thread.ofPlatform().daemon().name("scale-checks").start(this::loop);
    }

    private void loop() {
        long lastLog = System.nanoTime();
        try {
            while (running) {
                Thread.sleep(1_000);
                ScaleLoad.Sampled next = sampled.peek();
                while (running && next != null && System.nanoTime() - next.ackNanos() > afterNanos) {
                    check(sampled.poll());
                    next = sampled.peek();
                }
                if (logProgress && System.nanoTime() - lastLog > 60_000_000_000L) {
                    lastLog = System.nanoTime();
                    LogTally log = serve.tallyLog(1);
                    ScaleBenchmark.progress("checks: %d of %d sampled runs intact; serve logged %d ERROR, %d WARN",
                            intact(), checked(), log.errors(), log.warnings());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void check(ScaleLoad.Sampled run) throws InterruptedException {
        if (run == null) {
            return;
        }
        IntactCheck.Verdict verdict = IntactCheck.check(client, run.run());
        synchronized (this) {
            checked++;
            if (verdict.intact()) {
                intact++;
            } else if (broken.size() < KEPT_PROBLEMS) {
                broken.add(verdict);
            }
        }
    }

    /** Checks every sampled run not checked yet. */
    void checkAll() throws InterruptedException {
        ScaleLoad.Sampled next;
        while ((next = sampled.poll()) != null) {
            check(next);
        }
    }

    synchronized long checked() {
        return checked;
    }

    synchronized long intact() {
        return intact;
    }

    synchronized ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("checked", checked).put("intact", intact);
        ArrayNode problems = node.putArray("firstProblems");
        for (IntactCheck.Verdict verdict : broken) {
            problems.addObject().put("runId", verdict.runId()).put("scenario", verdict.scenario())
                    .put("problem", verdict.problem());
        }
        return node;
    }

    /** Stops the background checks (what is left is checked by {@link #checkAll}). */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        joinQuietly(thread);
    }

    /** Waits for {@code thread} to end, up to a minute; an interrupt is kept for the caller. */
    static void joinQuietly(Thread thread) {
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
