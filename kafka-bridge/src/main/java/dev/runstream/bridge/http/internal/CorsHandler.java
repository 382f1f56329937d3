package dev.runstream.bridge.http.internal;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Set;

/**
 * CORS for browser clients of allowed origins. A preflight ({@code OPTIONS} with {@code Origin} and
 * {@code Access-Control-Request-Method}) is answered here, before authentication (browsers send no credentials
 * on it): 204 with the allowed methods and request headers for an allowed origin, 403 without any CORS header for
 * another. Every other request from an allowed origin gets {@code Access-Control-Allow-Origin} (the origin echoed,
 * with {@code Vary: Origin}) and the response headers a browser client may read; other origins get none.
 */
public final class CorsHandler implements Handler {

    /** The request headers the routes read: auth, body format, idempotent ingest, SSE resume. */
    static final String ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID, "
            + IngestHandler.FIRST_SEQUENCE_HEADER;
    static final String ALLOWED_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
    /** The response headers the routes set that are not CORS-safelisted. */
    static final String EXPOSED_HEADERS = "Retry-After, WWW-Authenticate, x-vercel-ai-ui-message-stream";
    static final String MAX_AGE_SECONDS = "600";

    private final Set<String> origins;
    private final boolean anyOrigin;

    /** {@code allowedOrigins}: {@code scheme://host[:port]} each, or {@code *} for any origin. */
    public CorsHandler(List<String> allowedOrigins) {
        this.anyOrigin = allowedOrigins.contains("*");
        this.origins = Set.copyOf(allowedOrigins);
    }

    @Override
    public void handle(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return;
        }
        boolean allowed = anyOrigin || origins.contains(origin);
        boolean preflight = ctx.method() == HandlerType.OPTIONS && ctx.header("Access-Control-Request-Method") != null;
        ctx.header("Vary", "Origin");
        if (preflight) {
            ctx.skipRemainingHandlers();
            if (!allowed) {
                ApiErrors.write(ctx, 403, "cors_origin_not_allowed", "origin '" + origin
                        + "' is not in http.cors.allowed.origins", null);
                return;
            }
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Allow-Methods", ALLOWED_METHODS);
            ctx.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            ctx.header("Access-Control-Max-Age", MAX_AGE_SECONDS);
            ctx.status(204);
            return;
        }
        if (allowed) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        }
    }
}
