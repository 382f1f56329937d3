package dev.runstream.bridge.subscribe;

import dev.runstream.core.fold.RunSummary;

/**
 * Where a run's log is now: the answer of {@link RunLogs#locate}. In the shared layout a run is read from
 * {@code {prefix}.runs} ({@link InSharedTopic}) while that topic's retention keeps it, then from its persisted
 * chunks ({@link Persisted}).
 */
public sealed interface RunLog {

    /** The run's topic holds its chunks (a live run, or one that ended a short while ago): read it there. */
    record InRunTopic(String runId) implements RunLog {
    }

    /**
     * The run's chunks are in its partition of {@code {prefix}.runs} (the shared layout), from {@code startOffset}
     * on, among other runs' records, transient chunks included.
     */
    record InSharedTopic(String runId, org.apache.kafka.common.TopicPartition partition, long startOffset)
            implements RunLog {
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
