package dev.runstream.bridge.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.control.CancelOutcome;
import dev.runstream.bridge.control.RunCanceller;
import dev.runstream.bridge.control.RunControl;
import dev.runstream.bridge.http.internal.auth.Principal;
import dev.runstream.bridge.subscribe.RunSummaryLookup;
import dev.runstream.core.RunIds;
import dev.runstream.core.fold.CancelRequest;
import dev.runstream.core.fold.RunSummaryJson;
import dev.runstream.core.json.Json;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@code POST /v1/runs/{runId}/cancel} (who may cancel) and {@code GET /v1/runs/{runId}/control} (the run's writer,
 * long polling for a cancel request). Both are answered by any instance: requests go through Kafka.
 */
public final class RunControlHandlers {

    static final int MAX_REASON_LENGTH = 1000;
    static final long DEFAULT_WAIT_MS = 25_000;
    static final long MAX_WAIT_MS = 60_000;

    private final RunControl control;
    private final RunCanceller canceller;
    private final RunSummaryLookup summaries;
    private final RunAggregator aggregator;
    private final OwnerForwarder forwarder;
    private final HostInfo self;
    private final long graceMs;

    /**
     * @param aggregator where the run's summary is held: a cancel is answered by the instance that holds it, whose
     *                   store is current (another instance's copy, from {@code {prefix}.run-summaries}, may lag)
     */
    public RunControlHandlers(RunControl control, RunSummaryLookup summaries, RunAggregator aggregator,
            OwnerForwarder forwarder, HostInfo self, long graceMs) {
        this.control = control;
        this.summaries = summaries;
        this.aggregator = aggregator;
        this.forwarder = forwarder;
        this.self = self;
        this.canceller = new RunCanceller(control, summaries, RunCanceller.UNKNOWN_RUN_WAIT);
        this.graceMs = graceMs;
    }

    /**
     * {@code POST /v1/runs/{runId}/cancel}, body empty or {@code {"reason": "..."}}: 202 when the request was written
     * (or one was already), 200 when the run had ended (nothing done), 404 when the run is not known.
     */
    public void cancel(Context ctx) throws InterruptedException {
        String runId = RunIds.requireValid(ctx.pathParam("runId"));
        String reason = reason(ctx, runId);
        Optional<HostInfo> owner = aggregator.holds(runId) ? Optional.empty() : aggregator.ownerOf(runId);
        if (owner.isPresent() && !owner.get().equals(self) && !OwnerForwarder.isForwarded(ctx)) {
            forwarder.post(owner.get(), "/v1/runs/" + runId + "/cancel", ctx, RunCanceller.UNKNOWN_RUN_WAIT)
                    .relay(ctx);
            return;
        }
        CancelOutcome outcome = canceller.cancel(runId, requestedBy(ctx), reason);
        ObjectNode body = Json.object();
        body.put("runId", runId);
        switch (outcome) {
            case CancelOutcome.Requested requested -> {
                body.put("outcome", "requested");
                body.set("cancel", RunSummaryJson.cancelJson(requested.request()));
                body.put("graceMs", graceMs);
                body.put("message", "the run's writer is told; the run ends canceled within " + graceMs + " ms "
                        + "(ended by Runstream if its writer does not)");
                ctx.status(202);
            }
            case CancelOutcome.AlreadyRequested earlier -> {
                body.put("outcome", "already_requested");
                body.set("cancel", RunSummaryJson.cancelJson(earlier.request()));
                body.put("graceMs", graceMs);
                body.put("message", "a cancel request was made before; it stands, nothing more was done");
                ctx.status(202);
            }
            case CancelOutcome.AlreadyEnded ended -> {
                body.put("outcome", "already_ended");
                body.put("status", ended.summary().status().jsonName());
                body.put("message", "run '" + runId + "' had already ended (" + ended.summary().status().jsonName()
                        + "): nothing to cancel, nothing was done");
                ctx.status(200);
            }
            case CancelOutcome.UnknownRun unknown -> throw new ApiException(404, "run_not_found", "run '" + runId
                    + "' has no summary: no chunk of it has been aggregated (or it was deleted); nothing to cancel");
        }
        ctx.contentType("application/json").result(Json.write(body));
    }

    /**
     * {@code GET /v1/runs/{runId}/control?waitMs=}: {@code {"runId", "cancel": {...} | null}}, at once when the run
     * has a cancel request, else when one comes or after {@code waitMs} (default 25 s, at most 60 s; 0: do not wait).
     */
    public void poll(Context ctx) throws InterruptedException {
        String runId = RunIds.requireValid(ctx.pathParam("runId"));
        long waitMs = waitMs(ctx);
        Optional<CancelRequest> request = control.heard(runId).or(() -> fromSummary(runId));
        if (request.isEmpty() && waitMs > 0) {
            var waiting = control.cancellation(runId).toCompletableFuture();
            try {
                request = Optional.of(waiting.get(waitMs, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                request = Optional.empty();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } finally {
                waiting.cancel(false);
            }
        }
        ObjectNode body = Json.object();
        body.put("runId", runId);
        if (request.isPresent()) {
            body.set("cancel", RunSummaryJson.cancelJson(request.get()));
        } else {
            body.putNull("cancel");
        }
        ctx.status(200).contentType("application/json").header("Cache-Control", "no-store")
                .result(Json.write(body));
    }

    /** The cancel request this instance heard of the run, as the ingest reply carries it. */
    public Optional<CancelRequest> heard(String runId) {
        return control.heard(runId);
    }

    private Optional<CancelRequest> fromSummary(String runId) {
        try {
            return summaries.summary(runId).flatMap(summary -> summary.cancel());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String reason(Context ctx, String runId) {
        String text = ctx.body();
        if (text.isBlank()) {
            return "";
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new ApiException(400, "bad_request", "run '" + runId + "': the cancel body must be empty or a "
                    + "JSON object such as {\"reason\": \"...\"}");
        }
        if (json == null || !json.isObject()) {
            throw new ApiException(400, "bad_request", "run '" + runId + "': the cancel body must be a JSON object");
        }
        JsonNode reason = json.get("reason");
        if (reason == null || reason.isNull()) {
            return "";
        }
        if (!reason.isTextual()) {
            throw new ApiException(400, "bad_request", "run '" + runId + "': field reason must be a string");
        }
        if (reason.asText().length() > MAX_REASON_LENGTH) {
            throw new ApiException(400, "bad_request", "run '" + runId + "': field reason is "
                    + reason.asText().length() + " characters, at most " + MAX_REASON_LENGTH);
        }
        return reason.asText();
    }

    private static long waitMs(Context ctx) {
        String value = ctx.queryParam("waitMs");
        if (value == null) {
            return DEFAULT_WAIT_MS;
        }
        try {
            long wait = Long.parseLong(value.trim());
            if (wait < 0 || wait > MAX_WAIT_MS) {
                throw new NumberFormatException();
            }
            return wait;
        } catch (NumberFormatException e) {
            throw new ApiException(400, "bad_request", "waitMs must be a number from 0 to " + MAX_WAIT_MS
                    + ", was '" + value + "'");
        }
    }

    /** Who asks, as the caller was authenticated: {@code admin}, {@code token <id> (<runs>)}, or {@code anonymous}. */
    private static String requestedBy(Context ctx) {
        Principal principal = ctx.attribute(Principal.ATTRIBUTE);
        return switch (principal) {
            case null -> "anonymous";
            case Principal.Admin admin -> "admin";
            case Principal.Scoped scoped -> "token " + scoped.claims().id() + " (" + scoped.claims().runs().describe()
                    + ")";
        };
    }
}
