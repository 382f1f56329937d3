package dev.runstream.bridge.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.aggregate.AggregatorUnavailableException;
import dev.runstream.core.InvalidRunIdException;
import dev.runstream.core.json.Json;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one JSON error shape of every route, {@code {"code", "message", "details"}}, built here and nowhere else. The
 * status follows the exception's type, never its text.
 */
public final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    /** Answers {@code ctx} with the error {@code failure} stands for. */
    public static void answer(Exception failure, Context ctx) {
        switch (failure) {
            case ApiException api -> write(ctx, api.status(), api.code(), api.getMessage(), api.details());
            case InvalidRunIdException invalid -> write(ctx, 400, "invalid_run_id", invalid.getMessage(), null);
            case AggregatorUnavailableException unavailable -> {
                ctx.header("Retry-After", "1");
                write(ctx, 503, "aggregator_unavailable", unavailable.getMessage(), null);
            }
            case IllegalArgumentException bad -> write(ctx, 400, "bad_request", bad.getMessage(), null);
            default -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), failure);
                write(ctx, 500, "internal_error", "the request failed inside Runstream: "
                        + failure.getClass().getSimpleName(), null);
            }
        }
    }

    /** The attribute that marks a response as already answered with an error body. */
    public static final String ANSWERED = "runstream.error.answered";

    public static void write(Context ctx, int status, String code, String message, JsonNode details) {
        ObjectNode body = body(code, message, details);
        ctx.attribute(ANSWERED, Boolean.TRUE);
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    public static ObjectNode body(String code, String message, JsonNode details) {
        ObjectNode body = Json.object();
        body.put("code", code);
        body.put("message", message);
        if (details != null) {
            body.set("details", details);
        }
        return body;
    }
}
