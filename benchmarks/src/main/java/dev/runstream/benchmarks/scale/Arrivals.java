package dev.runstream.benchmarks.scale;

import dev.runstream.benchmarks.report.Latencies;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop arrivals: run {@code i} is due at the {@code i}-th time of a {@link PoissonSchedule}; one thread hands
 * due runs to a queue, and {@code workers} virtual threads take them in turn, so that at most {@code workers} are
 * under way. A run that starts after it was due counts its lateness; when the queue is full the schedule is not
 * kept and the achieved rate shows it.
 */
public final class Arrivals {

    /** Does run {@code index}, due at {@code dueNanos} (System.nanoTime); returns whether it succeeded. */
    public interface Task {
        boolean run(int index, long dueNanos) throws Exception;
    }

    /**
     * How the schedule was kept.
     *
     * @param runs         runs done
     * @param failed       runs whose task failed or threw
     * @param offeredRate  the schedule's rate, runs/s
     * @param startedRate  runs started per second, from the first due time to the last start
     * @param doneRate     runs done per second, from the first due time to the last end
     * @param seconds      from the first due time to the last end
     * @param lateness     how long after its due time each run started
     * @param behind       runs that started more than a second late
     */
    public record Outcome(long runs, long failed, double offeredRate, double startedRate, double doneRate,
            double seconds, Latencies lateness, long behind) {
    }

    private static final Arrival END = new Arrival(-1, 0);

    private record Arrival(int index, long dueNanos) {
    }

    private Arrivals() {
    }

    /** Runs {@code runs} arrivals at {@code rate} runs/s and returns once the last one is done. */
    public static Outcome run(double rate, int runs, long seed, int workers, Task task) throws InterruptedException {
        BlockingQueue<Arrival> queue = new ArrayBlockingQueue<>(Math.max(1024, workers * 4));
        Latencies lateness = new Latencies();
        AtomicLong failed = new AtomicLong();
        AtomicLong behind = new AtomicLong();
        AtomicLong lastStart = new AtomicLong();
        AtomicLong lastEnd = new AtomicLong();
        CountDownLatch done = new CountDownLatch(workers);
        long origin = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            Thread.ofVirtual().name("scale-worker-" + w).start(() -> {
                try {
                    Arrival arrival;
                    while ((arrival = queue.take()) != END) {
                        long start = System.nanoTime();
                        lastStart.accumulateAndGet(start, Math::max);
                        lateness.recordNanos(start - arrival.dueNanos());
                        if (start - arrival.dueNanos() > 1_000_000_000L) {
                            behind.incrementAndGet();
                        }
                        try {
                            if (!task.run(arrival.index(), arrival.dueNanos())) {
                                failed.incrementAndGet();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                        lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        PoissonSchedule schedule = new PoissonSchedule(rate, seed);
        long firstDue = 0;
        for (int i = 0; i < runs; i++) {
            long due = origin + schedule.nextArrivalNanos();
            if (i == 0) {
                firstDue = due;
            }
            for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
                LockSupport.parkNanos(due - now);
            }
            queue.put(new Arrival(i, due));
        }
        for (int w = 0; w < workers; w++) {
            queue.put(END);
        }
        done.await();
        double started = Math.max(1e-9, (lastStart.get() - firstDue) / 1e9);
        double seconds = Math.max(1e-9, (lastEnd.get() - firstDue) / 1e9);
        return new Outcome(runs, failed.get(), rate, runs / started, runs / seconds, seconds, lateness, behind.get());
    }
}
