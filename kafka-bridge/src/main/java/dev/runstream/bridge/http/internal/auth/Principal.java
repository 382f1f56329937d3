package dev.runstream.bridge.http.internal.auth;

/** Who a request was authenticated as: the admin, or the bearer of a scoped token. */
public sealed interface Principal {

    /** The request attribute {@link AccessGuard} leaves the principal in. */
    String ATTRIBUTE = "runstream.auth.principal";

    /** The admin token: every route. */
    record Admin() implements Principal {
    }

    /**
     * A verified scoped token.
     *
     * @param fromCookie whether it came in the session cookie rather than the {@code Authorization} header
     */
    record Scoped(TokenClaims claims, boolean fromCookie) implements Principal {
    }
}
