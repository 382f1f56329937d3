package dev.runstream.bridge.aggregate.internal;

import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RunFold} as the aggregator applies it. A chunk the fold throws on is left out and logged at WARN with its
 * run and sequence: a record that can never be folded would otherwise kill every stream thread that reads it, for
 * ever.
 */
final class SummaryFold {

    private static final Logger LOG = LoggerFactory.getLogger(SummaryFold.class);

    private SummaryFold() {
    }

    /** The summary after {@code chunk}; {@code current} itself when the chunk changes nothing or is left out. */
    static RunSummary fold(RunSummary current, StoredChunk chunk) {
        try {
            return RunFold.fold(current, chunk);
        } catch (RuntimeException e) {
            LOG.warn("Run '{}': chunk {} of type '{}' was not folded into the summary", chunk.runId(),
                    chunk.sequence(), chunk.chunk().type(), e);
            return current;
        }
    }
}
