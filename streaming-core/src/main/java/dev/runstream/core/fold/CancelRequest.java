package dev.runstream.core.fold;

import java.time.Instant;
import java.util.Objects;

/**
 * Somebody asked for a run to be canceled: recorded in the run's summary ({@link RunSummary#cancel()}) by
 * {@link RunFold#requestCancel}, whatever the run's writer then does.
 *
 * @param cancelId    unique per request, so that a request seen twice is told apart from a second one
 * @param requestedBy who asked, as the instance that took the request authenticated them ({@code admin}, a token's
 *                    run selector, {@code cli}, or what a Java caller names)
 * @param requestedAt when the request was taken
 * @param reason      why, as the caller said; {@code ""} when not said
 */
public record CancelRequest(String cancelId, String requestedBy, Instant requestedAt, String reason) {

    public CancelRequest {
        Objects.requireNonNull(cancelId, "cancelId");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(reason, "reason");
    }
}
