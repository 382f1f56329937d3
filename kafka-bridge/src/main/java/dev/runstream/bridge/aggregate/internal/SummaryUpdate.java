package dev.runstream.bridge.aggregate.internal;

import dev.runstream.core.fold.RunSummary;

/**
 * What the summary processor emits for a run: its new summary, or (after an erase) none and the number of chunk
 * keys to tombstone in {@code prefix.chunks}, {@code <runId>/0} up to {@code <runId>/<erasedChunks - 1>}. Travels
 * between processors of one sub-topology only.
 *
 * @param summary      the run's summary; null when the run was erased
 * @param erasedChunks how many chunk keys the erase covers; 0 when this is no erase
 */
public record SummaryUpdate(RunSummary summary, long erasedChunks) {

    public static SummaryUpdate changed(RunSummary summary) {
        return new SummaryUpdate(java.util.Objects.requireNonNull(summary, "summary"), 0);
    }

    public static SummaryUpdate erased(long erasedChunks) {
        return new SummaryUpdate(null, erasedChunks);
    }
}
