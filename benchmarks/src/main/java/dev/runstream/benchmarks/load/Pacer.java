package dev.runstream.benchmarks.load;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load: {@code runs} runs each writing {@code ratePerRun} chunks per second, their chunks interleaved
 * evenly in time, from one thread. Each send is handed its scheduled time, so that latencies measured from it
 * include any delay of the writer itself (no coordinated omission).
 */
public final class Pacer {

    /** Sends chunk {@code k} (from 1) of run {@code run}, scheduled at {@code scheduledNanos} (System.nanoTime). */
    public interface Send {
        void send(int run, int k, long scheduledNanos);
    }

    /** How closely the schedule was kept. */
    public record Outcome(long sends, long startNanos, double seconds, double maxLatenessMs, double meanLatenessMs) {
    }

    private Pacer() {
    }

    /** The chunks each run writes in {@code length} at {@code ratePerRun}. */
    public static int chunksPerRun(int ratePerRun, Duration length) {
        return (int) Math.round(ratePerRun * length.toNanos() / 1e9);
    }

    /**
     * Writes {@code chunksPerRun(ratePerRun, length)} chunks of each run, from {@code startNanos} on, in the caller's
     * thread, and returns once the last was sent.
     */
    public static Outcome run(int runs, int ratePerRun, Duration length, long startNanos, Send send) {
        int perRun = chunksPerRun(ratePerRun, length);
        double gap = 1e9 / ((double) ratePerRun * runs);
        long total = (long) perRun * runs;
        long maxLateness = 0;
        double sumLateness = 0;
        for (long j = 0; j < total; j++) {
            long scheduled = startNanos + (long) (j * gap);
            long now = System.nanoTime();
            while (now < scheduled) {
                LockSupport.parkNanos(scheduled - now);
                now = System.nanoTime();
            }
            long lateness = now - scheduled;
            maxLateness = Math.max(maxLateness, lateness);
            sumLateness += lateness;
            send.send((int) (j % runs), (int) (j / runs) + 1, scheduled);
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new Outcome(total, startNanos, seconds, maxLateness / 1e6, total == 0 ? 0 : sumLateness / total / 1e6);
    }
}
