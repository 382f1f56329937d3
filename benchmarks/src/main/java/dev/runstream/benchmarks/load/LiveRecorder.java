package dev.runstream.benchmarks.load;

import dev.runstream.benchmarks.report.Latencies;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Writer-to-reader latencies of many runs read in order by one or more readers each: the writer notes when chunk
 * {@code k} of a run was scheduled; reader {@code i} follows run {@code i % runs} and calls {@link #received(int)}
 * for every chunk in order (each reader from one thread at a time). Chunk 0, written before the paced load, tells
 * that the reader is there. Only chunks scheduled after the warm-up are recorded.
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

    /** For {@code runs} runs of one first chunk and then {@code perRun} paced chunks, one reader each. */
    public LiveRecorder(int runs, int perRun) {
        this(runs, perRun, runs);
    }

    /** For {@code readers} readers of {@code runs} runs (reader {@code i} reads run {@code i % runs}). */
    public LiveRecorder(int runs, int perRun, int readers) {
        this.runs = runs;
        this.perRun = perRun;
        this.scheduled = new AtomicLongArray(runs * (perRun + 1));
        this.received = new int[readers];
        this.ready = new CountDownLatch(readers);
        this.finished = new CountDownLatch(readers);
    }

    /** Chunks scheduled at or after {@code nanos} are recorded. */
    public void measureFrom(long nanos) {
        measureFrom = nanos;
    }

    /** The writer: chunk {@code k} (from 1) of {@code run} is scheduled at {@code nanos}; call before sending it. */
    public void scheduled(int run, int k, long nanos) {
        scheduled.set(run * (perRun + 1) + k, nanos);
    }

    /** Reader {@code reader}: the next chunk of its run arrived. */
    public void received(int reader) {
        long now = System.nanoTime();
        int k = received[reader]++;
        if (k == 0) {
            ready.countDown();
            return;
        }
        if (k > perRun) {
            return;
        }
        long sent = scheduled.get((reader % runs) * (perRun + 1) + k);
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

    /** Readers that have not had their run's first chunk yet. */
    public long readersNotReady() {
        return ready.getCount();
    }

    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    /** Readers that have not seen every chunk of their run. */
    public long unfinishedReaders() {
        return finished.getCount();
    }

    public int runs() {
        return runs;
    }

    public Latencies latencies() {
        return latencies;
    }
}
