package dev.runstream.bridge.aggregate.internal;

import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunSummary;
import org.apache.kafka.streams.kstream.Aggregator;
import org.apache.kafka.streams.kstream.Initializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RunFold} as the aggregate of Kafka Streams. Streams' initializer does not know the key, so it returns a
 * summary of no run, which the first chunk replaces by its own run's empty summary.
 *
 * <p>A chunk the fold throws on is left out and logged at WARN with its run and sequence: a record that can never
 * be folded would otherwise kill every stream thread that reads it, for ever.
 */
public final class SummaryFold implements Initializer<RunSummary>, Aggregator<String, StoredChunk, RunSummary> {

    private static final Logger LOG = LoggerFactory.getLogger(SummaryFold.class);
    private static final RunSummary NO_RUN = RunSummary.empty("");

    @Override
    public RunSummary apply() {
        return NO_RUN;
    }

    @Override
    public RunSummary apply(String runId, StoredChunk chunk, RunSummary summary) {
        RunSummary current = summary.runId().isEmpty() ? RunSummary.empty(runId) : summary;
        try {
            return RunFold.fold(current, chunk);
        } catch (RuntimeException e) {
            LOG.warn("Run '{}': chunk {} of type '{}' was not folded into the summary", runId, chunk.sequence(),
                    chunk.chunk().type(), e);
            return current;
        }
    }
}
