package dev.runstream.bridge.http.internal.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.http.internal.ApiErrors;
import dev.runstream.bridge.http.internal.ApiException;
import dev.runstream.bridge.registry.IncompatibleSchemaException;
import dev.runstream.bridge.registry.SchemaNotFoundException;
import dev.runstream.bridge.registry.SchemaRegistryUnavailableException;
import dev.runstream.core.json.Json;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one error shape of the registry API, Confluent's {@code {"error_code", "message"}}, built here and nowhere
 * else; the status and code follow the exception's type. Runstream's own refusals on these paths (401, 503) keep
 * their status, which is also their {@code error_code}, as Confluent's server answers them.
 */
public final class RegistryErrors {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryErrors.class);
    private static final int STORE_ERROR = 50001;

    private RegistryErrors() {
    }

    /** Answers {@code ctx} with the error {@code failure} stands for. */
    public static void answer(Exception failure, Context ctx) {
        switch (failure) {
            case RegistryApiException api -> write(ctx, api.status(), api.errorCode(), api.getMessage());
            case ApiException api -> write(ctx, api.status(), api.status(), api.getMessage());
            case IncompatibleSchemaException incompatible -> write(ctx, 409, 409, incompatible.getMessage());
            case SchemaNotFoundException missing -> write(ctx, 404, missing.errorCode(), missing.getMessage());
            case SchemaRegistryUnavailableException store -> {
                LOG.warn("{} {} failed: the schemas topic could not be reached", ctx.method(), ctx.path(), store);
                write(ctx, 500, STORE_ERROR, "Error in the backend data store: " + store.getMessage());
            }
            case IllegalArgumentException bad -> write(ctx, 400, 400, bad.getMessage());
            default -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), failure);
                write(ctx, 500, 500, "Internal Server Error: " + failure.getClass().getSimpleName());
            }
        }
    }

    /** Writes an error answer. */
    public static void write(Context ctx, int status, int errorCode, String message) {
        ObjectNode body = Json.object();
        body.put("error_code", errorCode);
        body.put("message", message);
        ctx.attribute(ApiErrors.ANSWERED, Boolean.TRUE);
        ctx.status(status).contentType(RegistryExchange.CONTENT_TYPE).result(Json.write(body));
    }
}
