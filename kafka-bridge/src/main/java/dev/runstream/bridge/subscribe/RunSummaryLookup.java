package dev.runstream.bridge.subscribe;

import dev.runstream.core.fold.RunSummary;
import java.util.Optional;

/** Where a reader finds a run's summary: the aggregator's store in {@code serve}, else {@code {prefix}.run-summaries}. */
@FunctionalInterface
public interface RunSummaryLookup {

    /**
     * The run's latest summary, if it has one.
     *
     * @throws RuntimeException when it cannot be told now (e.g. the aggregator is restoring)
     */
    Optional<RunSummary> summary(String runId);
}
