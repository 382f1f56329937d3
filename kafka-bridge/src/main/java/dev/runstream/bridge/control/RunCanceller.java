package dev.runstream.bridge.control;

import dev.runstream.bridge.subscribe.RunSummaryLookup;
import dev.runstream.core.RunIds;
import dev.runstream.core.fold.RunSummary;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Cancels runs as the HTTP route, the CLI and Java callers do: looks at the run's summary first, so that cancelling a
 * run that has ended is harmless and says so, and a run that is not known is told apart; otherwise writes the request
 * ({@link RunControl#requestCancel}). A run whose first chunks were just written may not be aggregated yet: its
 * summary is waited for up to {@code unknownWait}.
 */
public final class RunCanceller {

    /**
     * How long a run with no summary yet is waited for before it is called unknown: a run whose first chunks are
     * still on their way (its topic being created, its first transaction not committed) is cancelled, not refused.
     */
    public static final Duration UNKNOWN_RUN_WAIT = Duration.ofSeconds(10);

    private static final Duration POLL = Duration.ofMillis(100);

    private final RunControl control;
    private final RunSummaryLookup summaries;
    private final Duration unknownWait;

    public RunCanceller(RunControl control, RunSummaryLookup summaries, Duration unknownWait) {
        this.control = Objects.requireNonNull(control, "control");
        this.summaries = Objects.requireNonNull(summaries, "summaries");
        this.unknownWait = Objects.requireNonNull(unknownWait, "unknownWait");
    }

    /**
     * Asks for {@code runId} to be canceled, unless it has ended or been asked already.
     *
     * @param requestedBy who asks, as the caller authenticated them
     * @param reason      why; {@code ""} when not said
     * @throws dev.runstream.core.RunstreamException naming the run when the request could not be written
     * @throws RuntimeException                      when the run's summary cannot be read now (retry)
     */
    public CancelOutcome cancel(String runId, String requestedBy, String reason) throws InterruptedException {
        RunIds.requireValid(runId);
        Optional<RunSummary> summary = summaryWithin(runId, unknownWait);
        if (summary.isEmpty()) {
            return new CancelOutcome.UnknownRun(runId);
        }
        if (summary.get().isTerminal()) {
            return new CancelOutcome.AlreadyEnded(runId, summary.get());
        }
        Optional<dev.runstream.core.fold.CancelRequest> earlier = summary.get().cancel().or(() -> control.heard(runId));
        if (earlier.isPresent()) {
            return new CancelOutcome.AlreadyRequested(runId, earlier.get());
        }
        return new CancelOutcome.Requested(runId, control.requestCancel(runId, requestedBy, reason));
    }

    private Optional<RunSummary> summaryWithin(String runId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<RunSummary> summary = summaries.summary(runId);
            if (summary.isPresent() || System.nanoTime() >= deadline) {
                return summary;
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
