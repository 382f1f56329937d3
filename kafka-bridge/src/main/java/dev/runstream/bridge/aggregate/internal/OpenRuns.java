package dev.runstream.bridge.aggregate.internal;

import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The running runs of one task, in memory: each with the time of its last chunk (what the abandon check needs), and
 * those whose latest summary has not been emitted yet (updates that leave a run running are emitted in batches).
 * Rebuilt lazily from the store after the task starts, a bounded number of summaries per step, so no step stalls
 * the stream thread; every running run the rebuild finds is emitted once more, which re-sends whatever update a
 * previous owner of the task had not emitted when it stopped. Used by the stream thread only.
 */
final class OpenRuns {

    private final Map<String, Long> lastChunkAt = new HashMap<>();
    private final Set<String> pending = new LinkedHashSet<>();
    /** The last key the rebuild read; {@code null} before the first step. */
    private String scanCursor;
    private boolean rebuilt;

    /** Records the run's new summary: tracked while it is running, forgotten otherwise. */
    void track(RunSummary summary) {
        if (summary.status() == RunStatus.RUNNING && summary.lastChunkAt().isPresent()) {
            lastChunkAt.put(summary.runId(), summary.lastChunkAt().get().toEpochMilli());
        } else {
            lastChunkAt.remove(summary.runId());
        }
    }

    void markPending(String runId) {
        pending.add(runId);
    }

    void clearPending(String runId) {
        pending.remove(runId);
    }

    void forget(String runId) {
        lastChunkAt.remove(runId);
        pending.remove(runId);
    }

    /** The runs whose summary is to be emitted, in the order they changed; the set is empty afterwards. */
    List<String> drainPending() {
        List<String> drained = new ArrayList<>(pending);
        pending.clear();
        return drained;
    }

    /** The running runs whose last chunk is at or before {@code cutoffMs}. Cost: one pass over the running runs. */
    List<String> idleSince(long cutoffMs) {
        List<String> idle = new ArrayList<>();
        lastChunkAt.forEach((runId, at) -> {
            if (at <= cutoffMs) {
                idle.add(runId);
            }
        });
        return idle;
    }

    boolean isRebuilt() {
        return rebuilt;
    }

    /**
     * Reads up to {@code limit} summaries of the store after the last one read, handing each to {@code seen} and
     * tracking the running ones and marking them pending. Runs folded since the task started are tracked already; reading them again changes nothing.
     */
    void rebuildStep(TimestampedKeyValueStore<String, RunSummary> store, int limit,
            java.util.function.Consumer<RunSummary> seen) {
        if (rebuilt) {
            return;
        }
        int read = 0;
        try (KeyValueIterator<String, ValueAndTimestamp<RunSummary>> entries =
                     scanCursor == null ? store.all() : store.range(scanCursor, null)) {
            while (read < limit && entries.hasNext()) {
                KeyValue<String, ValueAndTimestamp<RunSummary>> entry = entries.next();
                if (entry.key.equals(scanCursor) || entry.value == null) {
                    continue;
                }
                scanCursor = entry.key;
                read++;
                seen.accept(entry.value.value());
                track(entry.value.value());
                if (entry.value.value().status() == RunStatus.RUNNING) {
                    markPending(entry.key);
                }
            }
            rebuilt = !entries.hasNext();
        }
    }

    int runningCount() {
        return lastChunkAt.size();
    }
}
