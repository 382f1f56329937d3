package dev.runstream.bridge.publish;

import java.util.Collection;
import java.util.Map;

/**
 * Where the numbering of runs whose topic holds no chunk goes on: a run whose topic was deleted after it ended (the
 * topic lifecycle) and that a writer resumes keeps numbering from one past its last persisted chunk, so that no
 * sequence number, and no key {@code <runId>/<sequence>} of {@code {prefix}.chunks}, is used twice.
 */
@FunctionalInterface
public interface RunHistory {

    /** No run has a history: every run without chunks in its topic starts at 0. */
    RunHistory NONE = runIds -> Map.of();

    /**
     * The history kept in run summaries: one past the run's last persisted chunk ({@code lastSequence + 1}). A run's
     * trailing transient chunks, which are not persisted, are not counted: a leg that follows them reuses their
     * numbers, which no persisted chunk has.
     */
    static RunHistory fromSummaries(dev.runstream.bridge.subscribe.RunSummaryReader summaries) {
        return runIds -> {
            Map<String, Long> next = new java.util.HashMap<>();
            summaries.summaries(runIds).forEach((runId, summary) -> next.put(runId, summary.lastSequence() + 1));
            return next;
        };
    }

    /**
     * The next sequence number of each of {@code runIds} that has a history (runs without one are left out).
     *
     * @throws RuntimeException when the history cannot be read now; the runs' writers are told to try again
     */
    Map<String, Long> nextSequences(Collection<String> runIds);
}
