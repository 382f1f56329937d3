package dev.runstream.bridge.http.internal.auth;

import io.javalin.security.RouteRole;
import java.util.Optional;

/**
 * Who may call a route, declared with the route ({@code app.get(path, handler, RouteAccess.RUN_READ)}). A route
 * declared without one is {@link #ADMIN}: access is denied by default.
 */
public enum RouteAccess implements RouteRole {
    /** Anyone ({@code /health}). */
    OPEN(null),
    /** The admin token only. */
    ADMIN(null),
    /** The admin, or a token with {@code read} on the path's run; also the session cookie. */
    RUN_READ(Scope.READ),
    /** The admin, or a token with {@code write} on the path's run, in the {@code Authorization} header. */
    RUN_WRITE(Scope.WRITE),
    /** The admin, or a token with {@code cancel} on the path's run, in the {@code Authorization} header. */
    RUN_CANCEL(Scope.CANCEL),
    /**
     * Turning a scoped token into a session cookie: a scoped token with {@code read} on the path's run, in the
     * {@code Authorization} header (the admin token never becomes a cookie).
     */
    RUN_SESSION(Scope.READ);

    private final Scope scope;

    RouteAccess(Scope scope) {
        this.scope = scope;
    }

    /** The scope a token needs on the path's run, for the per-run routes. */
    public Optional<Scope> scope() {
        return Optional.ofNullable(scope);
    }

    /** Whether the session cookie is read for this route (GET only, so a cookie never writes: no CSRF). */
    boolean acceptsCookie() {
        return this == RUN_READ;
    }
}
