package dev.runstream.bridge.aggregate.internal;

import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.CancelRequest;
import java.util.Objects;

/**
 * What the summary processor takes from the chunks topic: a chunk to fold into its run's summary, or the order to
 * erase a run. Travels between processors of one sub-topology only, never through a topic.
 */
public sealed interface FoldInput {

    /** The run the input is about. */
    String runId();

    /** A persisted chunk, decoded. */
    record Fold(StoredChunk chunk) implements FoldInput {
        public Fold {
            Objects.requireNonNull(chunk, "chunk");
        }

        @Override
        public String runId() {
            return chunk.runId();
        }
    }

    /** A request to cancel the run, from {@code {prefix}.run-control}: recorded in its summary. */
    record Cancel(String runId, CancelRequest request) implements FoldInput {
        public Cancel {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(request, "request");
        }
    }

    /** An erase marker: remove the run's summary and tombstone its persisted chunks. */
    record Erase(String runId) implements FoldInput {
        public Erase {
            Objects.requireNonNull(runId, "runId");
        }
    }
}
