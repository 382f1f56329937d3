package dev.runstream.bridge.node.internal;

import dev.runstream.bridge.aggregate.AggregatorUnavailableException;
import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.publish.RunHistory;
import dev.runstream.bridge.subscribe.RunSummaryLookup;
import dev.runstream.bridge.subscribe.RunSummaryReader;
import dev.runstream.core.fold.RunSummary;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Run summaries as one {@code serve} instance finds them: from its aggregator's store for the runs it holds, else
 * from {@code {prefix}.run-summaries} (a run another instance holds). Readers take what the store has, even while it
 * rebalances; a writer's numbering ({@link RunHistory}) rests only on a store that is current, and is refused while
 * the owner of a run's summary is not known.
 */
public final class AggregatedRuns implements RunSummaryLookup, RunHistory {

    private final RunAggregator aggregator;
    private final RunSummaryReader topic;

    public AggregatedRuns(RunAggregator aggregator, RunSummaryReader topic) {
        this.aggregator = aggregator;
        this.topic = topic;
    }

    @Override
    public Optional<RunSummary> summary(String runId) {
        try {
            Optional<RunSummary> local = aggregator.summary(runId);
            if (local.isPresent() || aggregator.holds(runId)) {
                return local;
            }
        } catch (AggregatorUnavailableException e) {
            // read from the summaries topic instead
        }
        return topic.summary(runId);
    }

    @Override
    public Map<String, Long> nextSequences(Collection<String> runIds) {
        Map<String, Long> next = new HashMap<>();
        List<String> elsewhere = new ArrayList<>();
        for (String runId : runIds) {
            if (aggregator.holds(runId)) {
                aggregator.currentSummary(runId).ifPresent(summary -> next.put(runId, summary.lastSequence() + 1));
            } else if (aggregator.ownerOf(runId).isPresent()) {
                elsewhere.add(runId);
            } else {
                throw new AggregatorUnavailableException("the owner of run '" + runId + "''s summary is not known "
                        + "now (the aggregator is starting or rebalancing)");
            }
        }
        topic.summaries(elsewhere).forEach((runId, summary) -> next.put(runId, summary.lastSequence() + 1));
        return next;
    }
}
