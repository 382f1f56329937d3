package dev.runstream.bridge.control;

import dev.runstream.core.fold.CancelRequest;
import dev.runstream.core.fold.RunSummary;
import java.util.Objects;

/** What came of asking for a run to be canceled ({@link RunCanceller#cancel}). */
public sealed interface CancelOutcome {

    String runId();

    /** The request was written: the run's writer is told, and the run ends canceled within the grace. */
    record Requested(String runId, CancelRequest request) implements CancelOutcome {
        public Requested {
            Objects.requireNonNull(request, "request");
        }
    }

    /** The run's summary already holds a request (this one changed nothing; the earlier one stands). */
    record AlreadyRequested(String runId, CancelRequest request) implements CancelOutcome {
        public AlreadyRequested {
            Objects.requireNonNull(request, "request");
        }
    }

    /** The run had ended already: nothing was written, nothing changes. */
    record AlreadyEnded(String runId, RunSummary summary) implements CancelOutcome {
        public AlreadyEnded {
            Objects.requireNonNull(summary, "summary");
        }
    }

    /** No summary of the run was found: no chunk of it has been aggregated, or it was erased. */
    record UnknownRun(String runId) implements CancelOutcome {
    }
}
