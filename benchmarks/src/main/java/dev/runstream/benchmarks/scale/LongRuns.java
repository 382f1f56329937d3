package dev.runstream.benchmarks.scale;

import dev.runstream.benchmarks.load.ChunkMix;
import dev.runstream.benchmarks.report.Latencies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs that stream all through phases A and B, a chunk every interval in one streamed POST each, each read over SSE
 * from before its first chunk: the live latency of already-running runs, recorded for the phase in which each chunk
 * was sent.
 */
final class LongRuns {

    private record Sent(long nanos, boolean phaseB) {
    }

    private final Latencies phaseA = new Latencies();
    private final Latencies phaseB = new Latencies();
    private final AtomicLong failures = new AtomicLong();
    private final List<Thread> writers = new ArrayList<>();
    private final List<LiveReader> readers = new ArrayList<>();
    private volatile boolean inPhaseB;
    private volatile long measureFrom;
    private volatile boolean stop;

    /**
     * Starts {@code count} long runs; returns once their readers are connected. Chunks sent in the first
     * {@code warmup} after that (topic creation, first fetches) are not recorded.
     */
    static LongRuns start(RunClient client, int count, Duration interval, Duration warmup)
            throws InterruptedException {
        LongRuns runs = new LongRuns();
        runs.measureFrom = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            String runId = ChunkMix.runId(i + 1);
            String[] lines = ScaleLoad.longRunLines(runId);
            ConcurrentHashMap<Long, Sent> sent = new ConcurrentHashMap<>();
            LiveReader reader = LiveReader.open(client, runId, (sequence, received) -> {
                Sent s = sent.remove(sequence);
                if (s != null && sequence > 0 && s.nanos() >= runs.measureFrom) {
                    (s.phaseB() ? runs.phaseB : runs.phaseA).recordNanos(received - s.nanos());
                }
            });
            runs.readers.add(reader);
            reader.awaitConnected(10_000);
            runs.writers.add(Thread.ofVirtual().name("scale-long-" + i).start(() -> {
                try {
                    AtomicBoolean finished = new AtomicBoolean();
                    RunClient.Reply reply = client.postStreamed(runId, k -> k == 0 ? lines[0]
                            : !runs.stop ? lines[1] : finished.getAndSet(true) ? null : lines[2], interval,
                            (k, nanos) -> sent.put(k.longValue(), new Sent(nanos, runs.inPhaseB)));
                    if (reply.status() != 200) {
                        runs.failures.incrementAndGet();
                    }
                } catch (java.io.IOException e) {
                    runs.failures.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        runs.measureFrom = System.nanoTime() + warmup.toNanos();
        return runs;
    }

    void enterPhaseB() {
        inPhaseB = true;
    }

    /** Ends every long run with a finish chunk and waits for their POSTs and readers to end. */
    void finish() throws InterruptedException {
        stop = true;
        for (Thread writer : writers) {
            writer.join(TimeUnit.SECONDS.toMillis(60));
        }
        for (LiveReader reader : readers) {
            try {
                reader.ended().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                reader.cancel();
            }
        }
    }

    Latencies phaseA() {
        return phaseA;
    }

    Latencies phaseB() {
        return phaseB;
    }

    long failures() {
        return failures.get();
    }
}
