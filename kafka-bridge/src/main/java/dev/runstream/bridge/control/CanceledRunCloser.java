package dev.runstream.bridge.control;

import dev.runstream.bridge.control.internal.CancelChunks;
import dev.runstream.bridge.subscribe.RunSummaryLookup;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.fold.CancelRequest;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.stream.ChunkSink;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends canceled runs whose writer is gone. Every instance hears every cancel request and waits
 * {@code run.cancel.grace.ms} from it; then the one that holds the run's summary, if the run has not ended, writes
 * the chunks Mastra ends an aborted run with ({@link CancelChunks}) to the run, so that its summary says canceled and
 * its live readers, on every instance, see the end. A run that got a chunk in the last {@link #STILL_WRITING} is given that
 * much more once: its writer may be finishing. One check per run at a time on each instance, so two requests (or two
 * instances' requests) end a run once.
 *
 * <p>Bound: a canceled run ends within the grace plus {@link #STILL_WRITING} while an instance holds its summary;
 * while none is known to (a rebalance), the holder is asked for again for up to {@link #OWNER_CHECKS} ×
 * {@link #STILL_WRITING} more; after that the run is left to {@code run.abandon.after.ms}.
 */
public final class CanceledRunCloser implements AutoCloseable {

    static final Duration STILL_WRITING = Duration.ofSeconds(2);
    private static final Duration RETRY = Duration.ofSeconds(5);
    /** How many times, {@link #STILL_WRITING} apart, an instance asks whether it holds the run before it leaves it. */
    static final int OWNER_CHECKS = 15;
    private static final Logger LOG = LoggerFactory.getLogger(CanceledRunCloser.class);

    private final Duration grace;
    private final Predicate<String> holds;
    private final RunSummaryLookup summaries;
    private final ChunkSink sink;
    private final Clock clock;
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "runstream-cancel-closer");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param holds     whether this instance holds a run's summary now
     * @param summaries where a run's current summary is read
     * @param sink      where the ending chunks are written (the publisher)
     */
    public CanceledRunCloser(RunControl control, Duration grace, Predicate<String> holds, RunSummaryLookup summaries,
            ChunkSink sink, Clock clock) {
        this.grace = grace;
        this.holds = holds;
        this.summaries = summaries;
        this.sink = sink;
        this.clock = clock;
        control.onRequest(this::heard);
    }

    private void heard(String runId, CancelRequest request) {
        if (!scheduled.add(runId)) {
            return;
        }
        long delay = Math.max(0, request.requestedAt().plus(grace).toEpochMilli() - clock.millis());
        timer.schedule(() -> check(runId, request, true, true, OWNER_CHECKS), delay, TimeUnit.MILLISECONDS);
    }

    /**
     * At the end of the grace: the instance that holds the run's summary then ends it, if it has not ended. While
     * no instance is known to hold it (a rebalance), each asks again every {@link #STILL_WRITING}, a few times.
     */
    private void check(String runId, CancelRequest request, boolean mayWaitMore, boolean mayRetry, int ownerChecks) {
        boolean done = true;
        try {
            if (!holds.test(runId)) {
                if (ownerChecks > 1) {
                    done = false;
                    timer.schedule(() -> check(runId, request, mayWaitMore, mayRetry, ownerChecks - 1),
                            STILL_WRITING.toMillis(), TimeUnit.MILLISECONDS);
                }
                return;
            }
            Optional<RunSummary> summary = summaries.summary(runId);
            if (summary.isEmpty() || summary.get().isTerminal()) {
                return;
            }
            boolean writing = summary.get().lastChunkAt()
                    .filter(at -> at.isAfter(clock.instant().minus(STILL_WRITING))).isPresent();
            if (writing && mayWaitMore) {
                done = false;
                timer.schedule(() -> check(runId, request, false, mayRetry, ownerChecks), STILL_WRITING.toMillis(),
                        TimeUnit.MILLISECONDS);
                return;
            }
            done = false;
            end(summary.get(), request).whenComplete((sequence, error) -> {
                if (error == null) {
                    LOG.info("Run '{}' canceled by {} (request {}): its writer did not end it within {} ms, so "
                            + "Runstream ended it", runId, request.requestedBy(), request.cancelId(), grace.toMillis());
                    scheduled.remove(runId);
                } else if (mayRetry) {
                    LOG.warn("Run '{}': the chunks that end it after cancel request {} were not written ({}); "
                            + "trying again in {} s", runId, request.cancelId(), error.getMessage(), RETRY.toSeconds());
                    timer.schedule(() -> check(runId, request, false, false, ownerChecks), RETRY.toMillis(),
                            TimeUnit.MILLISECONDS);
                } else {
                    LOG.warn("Run '{}': the chunks that end it after cancel request {} were not written ({}); it is "
                            + "left to run.abandon.after.ms", runId, request.cancelId(), error.getMessage());
                    scheduled.remove(runId);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Run '{}': could not check whether it ended after cancel request {}", runId,
                    request.cancelId(), e);
        } finally {
            if (done) {
                scheduled.remove(runId);
            }
        }
    }

    private CompletionStage<Long> end(RunSummary summary, CancelRequest request) {
        List<Chunk> chunks = CancelChunks.ending(summary, request);
        CompletionStage<Long> last = CompletableFuture.completedFuture(-1L);
        for (Chunk chunk : chunks) {
            CompletionStage<Long> written = sink.accept(summary.runId(), chunk);
            last = last.thenCombine(written, (a, b) -> b);
        }
        return last;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
