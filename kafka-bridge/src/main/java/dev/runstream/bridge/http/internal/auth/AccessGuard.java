package dev.runstream.bridge.http.internal.auth;

import dev.runstream.bridge.http.internal.ApiException;
import dev.runstream.core.RunIds;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.security.RouteRole;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates and authorises every matched route by its {@link RouteAccess} (a {@code beforeMatched} handler).
 * 401 when no valid credential came, 403 when the credential does not reach the route or the path's run. A token
 * that is refused is never echoed: the answer says why in words only.
 */
public final class AccessGuard implements Handler {

    private final AdminToken admin;
    private final Optional<TokenVerifier> verifier;

    public AccessGuard(AdminToken admin, Optional<TokenVerifier> verifier) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    @Override
    public void handle(Context ctx) {
        RouteAccess access = access(ctx.routeRoles());
        if (access == RouteAccess.OPEN) {
            return;
        }
        Optional<String> bearer = PresentedCredentials.bearer(ctx);
        Principal principal;
        if (bearer.isPresent()) {
            principal = fromHeader(ctx, bearer.get());
        } else if (access.acceptsCookie() && !PresentedCredentials.sessionCookies(ctx).isEmpty()) {
            principal = fromCookies(ctx, runId(ctx, access), access.scope().orElseThrow());
        } else {
            throw unauthorized(ctx, "this route needs an 'Authorization: Bearer <token>' header"
                    + (access.acceptsCookie() ? " or the " + PresentedCredentials.COOKIE + " session cookie" : ""),
                    false);
        }
        authorize(ctx, access, runId(ctx, access), principal);
        ctx.attribute(Principal.ATTRIBUTE, principal);
    }

    /** The path's run id for a per-run route, checked only once the caller is known (so 401 comes before 400). */
    private static String runId(Context ctx, RouteAccess access) {
        return access.scope().isPresent() ? RunIds.requireValid(ctx.pathParam("runId")) : null;
    }

    private Principal fromHeader(Context ctx, String token) {
        if (admin.matches(token)) {
            return new Principal.Admin();
        }
        return new Principal.Scoped(verified(ctx, token), false);
    }

    /** The first session cookie that is valid and reaches the run: a browser may hold one per path. */
    private Principal fromCookies(Context ctx, String runId, Scope scope) {
        TokenRejectedException last = null;
        for (String token : PresentedCredentials.sessionCookies(ctx)) {
            try {
                TokenClaims claims = verifier().verify(token);
                if (claims.allows(runId, scope)) {
                    return new Principal.Scoped(claims, true);
                }
                last = new TokenRejectedException("it does not grant '" + scope.wireName() + "' on run '"
                        + runId + "'");
            } catch (TokenRejectedException e) {
                last = e;
            }
        }
        throw unauthorized(ctx, "the session cookie is not valid: " + last.getMessage(), true);
    }

    private TokenClaims verified(Context ctx, String token) {
        try {
            return verifier().verify(token);
        } catch (TokenRejectedException e) {
            throw unauthorized(ctx, "the bearer token is not valid: " + e.getMessage(), true);
        }
    }

    private TokenVerifier verifier() {
        return verifier.orElseThrow(() -> new TokenRejectedException("it is not the admin token, and scoped "
                + "tokens are off (no http.auth.signing.key)"));
    }

    private static void authorize(Context ctx, RouteAccess access, String runId, Principal principal) {
        switch (principal) {
            case Principal.Admin admin -> {
                if (access == RouteAccess.RUN_SESSION) {
                    throw forbidden(ctx, "the admin token is never made a cookie; mint a scoped token for the run");
                }
            }
            case Principal.Scoped scoped -> {
                if (access == RouteAccess.ADMIN) {
                    throw forbidden(ctx, "this route needs the admin token; a scoped token reaches only its runs' "
                            + "summary, stream and ingest");
                }
                Scope scope = access.scope().orElseThrow();
                if (!scoped.claims().allows(runId, scope)) {
                    throw forbidden(ctx, "the token does not grant '" + scope.wireName() + "' on run '" + runId
                            + "' (it grants " + scopes(scoped.claims().scopes()) + " on "
                            + scoped.claims().runs().describe() + ")");
                }
            }
        }
    }

    private static String scopes(Set<Scope> scopes) {
        return String.join(", ", scopes.stream().sorted().map(Scope::wireName).toList());
    }

    private static RouteAccess access(Set<RouteRole> roles) {
        return roles.size() == 1 && roles.iterator().next() instanceof RouteAccess access ? access
                : RouteAccess.ADMIN;
    }

    static ApiException unauthorized(Context ctx, String message, boolean invalidToken) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"runstream\"" + (invalidToken ? ", error=\"invalid_token\"" : ""));
        return new ApiException(401, "unauthorized", message);
    }

    private static ApiException forbidden(Context ctx, String message) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"runstream\", error=\"insufficient_scope\"");
        return new ApiException(403, "forbidden", message);
    }
}
