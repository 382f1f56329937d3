package dev.runstream.bridge.lifecycle;

import java.util.Objects;
import java.util.Set;

/**
 * What {@link RunEraser#erase} did to one run.
 *
 * @param runId           the run
 * @param existed         whether the run had a topic holding records, or a summary; when not, nothing was written
 * @param runTopic        what became of the run's topic: {@value #DELETED} (ingest mode), {@value #TRUNCATED}
 *                        (pattern mode: its records were deleted, the empty topic stays), {@value #ABSENT}, or
 *                        {@value #SHARED} (the shared layout: it has no topic; what {@code prefix.runs} holds of
 *                        it is unreadable through Runstream and goes with that topic's retention)
 * @param chunkTombstones how many chunk keys were tombstoned in {@code prefix.chunks} ({@code 0..lastSequence}:
 *                        transient positions included, which were never persisted)
 * @param summaryRemoved  whether the aggregator held a summary of the run and removed it
 */
public record ErasedRun(String runId, boolean existed, String runTopic, long chunkTombstones, boolean summaryRemoved) {

    public static final String DELETED = "deleted";
    public static final String TRUNCATED = "truncated";
    public static final String ABSENT = "absent";
    public static final String SHARED = "shared";

    public ErasedRun {
        Objects.requireNonNull(runId, "runId");
        if (!Set.of(DELETED, TRUNCATED, ABSENT, SHARED).contains(runTopic)) {
            throw new IllegalArgumentException("runTopic must be deleted, truncated, absent or shared, was "
                    + runTopic);
        }
        if (chunkTombstones < 0) {
            throw new IllegalArgumentException("chunkTombstones must be >= 0, was " + chunkTombstones);
        }
    }

    /** The answer for a run that had neither a topic with records nor a summary: nothing was written. */
    static ErasedRun unknown(String runId) {
        return new ErasedRun(runId, false, ABSENT, 0, false);
    }
}
