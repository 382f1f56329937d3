package dev.runstream.benchmarks.load;

import dev.runstream.benchmarks.report.Latencies;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Writer-to-reader latencies of many runs read in order: the writer notes when chunk {@code k} of a run was
 * scheduled, each run's reader calls {@link #received(int)} for every chunk in order; chunk 0 (written before the
 * paced load) tells that the reader is there. Only chunks scheduled after the warm-up are recorded.
 */
public final class LiveRecorder {

    private final int runs;
    private final int perRun;
    private final AtomicLongArray scheduled;
    private final int[] received;
    private final CountDownLatch ready;
    private final CountDownLatch finished;
    private final Latencies latencies = new Latencies();
    private volatile long measureFrom = Long.MAX_VALUE;

    /** For {@code runs} runs of one first chunk and then {@code perRun} paced chunks each. */
    public LiveRecorder(int runs, int perRun) {
        this.runs = runs;
        this.perRun = perRun;
        this.scheduled = new AtomicLongArray(runs * (perRun + 1));
        this.received = new int[runs];
        this.ready = new CountDownLatch(runs);
        this.finished = new CountDownLatch(runs);
    }

    /** Chunks scheduled at or after {@code nanos} are recorded. */
    public void measureFrom(long nanos) {
        measureFrom = nanos;
    }

    /** The writer: chunk {@code k} (from 1) of {@code run} is scheduled at {@code nanos}; call before sending it. */
    public void scheduled(int run, int k, long nanos) {
        scheduled.set(run * (perRun + 1) + k, nanos);
    }

    /** The reader of {@code run} (one thread per run): the next chunk of the run arrived. */
    public void received(int run) {
        long now = System.nanoTime();
        int k = received[run]++;
        if (k == 0) {
            ready.countDown();
            return;
        }
        if (k > perRun) {
            return;
        }
        long sent = scheduled.get(run * (perRun + 1) + k);
        if (sent >= measureFrom) {
            latencies.recordNanos(now - sent);
        }
        if (k == perRun) {
            finished.countDown();
        }
    }

    public boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
        return ready.await(timeout, unit);
    }

    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    /** Runs whose reader has not seen every chunk. */
    public long unfinishedRuns() {
        return finished.getCount();
    }

    public int runs() {
        return runs;
    }

    public Latencies latencies() {
        return latencies;
    }
}
