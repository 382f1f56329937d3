package dev.runstream.bridge.subscribe;

import dev.runstream.core.fold.RunSummary;

/** Where a run's log is now: the answer of {@link RunLogs#locate}. */
public sealed interface RunLog {

    /** The run's topic holds its chunks (a live run, or one that ended a short while ago): read it there. */
    record InRunTopic(String runId) implements RunLog {
    }

    /**
     * The run's topic is gone (deleted after the run ended, or expired), and its persisted chunks are in
     * {@code {prefix}.chunks}: the run as its summary had it. A run whose summary is not terminal may go on (a late
     * leg writes its topic again).
     */
    record Persisted(String runId, RunSummary summary) implements RunLog {
        public boolean ended() {
            return summary.status() != dev.runstream.core.fold.RunStatus.RUNNING
                    && summary.status() != dev.runstream.core.fold.RunStatus.ABANDONED;
        }
    }

    /** Neither a topic nor a summary: a run that has not started (readers may come first), or that was erased. */
    record Unknown(String runId) implements RunLog {
    }
}
