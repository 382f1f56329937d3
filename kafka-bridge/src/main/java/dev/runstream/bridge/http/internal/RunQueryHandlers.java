package dev.runstream.bridge.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.aggregate.RunListQuery;
import dev.runstream.core.RunIds;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.fold.RunSummaryJson;
import dev.runstream.core.json.Json;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@code GET /v1/runs/{runId}} and {@code GET /v1/runs}: run summaries from the aggregator's store, answered on any
 * instance. A summary held by another instance is fetched from it; the list gathers every instance's part.
 */
public final class RunQueryHandlers {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    private final RunAggregator aggregator;
    private final OwnerForwarder forwarder;
    private final HostInfo self;

    public RunQueryHandlers(RunAggregator aggregator, OwnerForwarder forwarder, HostInfo self) {
        this.aggregator = aggregator;
        this.forwarder = forwarder;
        this.self = self;
    }

    /** {@code GET /v1/runs/{runId}}: the run's summary, 404 when no instance holds one. */
    public void summary(Context ctx) throws InterruptedException {
        String runId = RunIds.requireValid(ctx.pathParam("runId"));
        Optional<RunSummary> local = aggregator.summary(runId);
        if (local.isPresent()) {
            ctx.status(200).contentType("application/json").result(Json.write(RunSummaryJson.toJson(local.get())));
            return;
        }
        Optional<HostInfo> owner = aggregator.ownerOf(runId);
        if (owner.isPresent() && !owner.get().equals(self) && !OwnerForwarder.isForwarded(ctx)) {
            forwarder.get(owner.get(), "/v1/runs/" + runId, ctx).relay(ctx);
            return;
        }
        throw new ApiException(404, "run_not_found", "run '" + runId + "' has no summary: no chunk of it has been "
                + "aggregated (or it was deleted)");
    }

    /**
     * {@code GET /v1/runs?status=&q=&limit=&after=}: summaries, latest activity first (then by run id); {@code q}
     * keeps the runs whose id contains it; {@code after} is the {@code next} cursor of the page before, which is in
     * the reply when more runs follow.
     */
    public void list(Context ctx) throws InterruptedException, java.io.IOException {
        String statusParam = ctx.queryParam("status");
        String search = ctx.queryParam("q");
        String afterParam = ctx.queryParam("after");
        int limit = limit(ctx.queryParam("limit"));
        RunListQuery query = new RunListQuery(statuses(statusParam), search == null ? "" : search,
                cursor(afterParam), limit + 1);
        List<JsonNode> runs = new ArrayList<>();
        aggregator.list(query).stream().map(RunSummaryJson::toJson).forEach(runs::add);
        if (!OwnerForwarder.isForwarded(ctx)) {
            StringBuilder forward = new StringBuilder("/v1/runs?limit=").append(Math.min(MAX_LIMIT, limit + 1));
            appendParam(forward, "status", statusParam);
            appendParam(forward, "q", search);
            appendParam(forward, "after", afterParam);
            for (HostInfo instance : aggregator.instances()) {
                if (!instance.equals(self)) {
                    OwnerForwarder.Reply reply = forwarder.get(instance, forward.toString(), ctx);
                    if (reply.status() != 200) {
                        throw new ApiException(502, "instance_failed", "instance " + instance.host() + ":"
                                + instance.port() + " answered " + reply.status() + " to the run list");
                    }
                    Json.MAPPER.readTree(reply.body()).path("runs").forEach(runs::add);
                }
            }
        }
        runs.sort(Comparator.comparing(RunQueryHandlers::lastChunkAt).reversed()
                .thenComparing(run -> run.path("runId").asText()));
        ObjectNode body = Json.object();
        ArrayNode out = body.putArray("runs");
        runs.stream().limit(limit).forEach(out::add);
        body.put("count", out.size());
        if (runs.size() > limit) {
            JsonNode last = out.get(out.size() - 1);
            body.put("next", new RunListQuery.Cursor(lastChunkAt(last), last.path("runId").asText()).toString());
        } else {
            body.putNull("next");
        }
        ctx.status(200).contentType("application/json").result(Json.write(body));
    }

    private static void appendParam(StringBuilder query, String name, String value) {
        if (value != null) {
            query.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    private static Optional<RunListQuery.Cursor> cursor(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(RunListQuery.Cursor.parse(value));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "bad_request", "after must be the next cursor of a run list reply "
                    + "(<millis>:<runId>)");
        }
    }

    private static java.time.Instant lastChunkAt(JsonNode run) {
        String at = run.path("lastChunkAt").asText("");
        return at.isEmpty() ? java.time.Instant.EPOCH : java.time.Instant.parse(at);
    }

    private static Set<RunStatus> statuses(String status) {
        if (status == null || status.isBlank()) {
            return Set.of();
        }
        Set<RunStatus> wanted = EnumSet.noneOf(RunStatus.class);
        for (String name : status.split(",")) {
            wanted.add(RunStatus.parse(name.trim().toLowerCase(Locale.ROOT)).orElseThrow(() -> new ApiException(400,
                    "bad_request", "status '" + name.trim() + "' is not a run status")));
        }
        return wanted;
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value.trim());
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new NumberFormatException();
            }
            return limit;
        } catch (NumberFormatException e) {
            throw new ApiException(400, "bad_request", "limit must be a number from 1 to " + MAX_LIMIT + ", was '"
                    + value + "'");
        }
    }
}
