package dev.runstream.bridge.http.internal;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

/**
 * Requires {@code Authorization: Bearer <token>} on every route but the open ones. Tokens are compared as SHA-256
 * digests with {@link MessageDigest#isEqual}: the time taken depends on neither the token's content nor its length.
 */
public final class BearerAuth implements Handler {

    private final byte[] expected;
    private final Set<String> openPaths;

    public BearerAuth(String token, Set<String> openPaths) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("the bearer token is empty");
        }
        this.expected = digest(token);
        this.openPaths = Set.copyOf(openPaths);
    }

    @Override
    public void handle(Context ctx) {
        if (openPaths.contains(ctx.path())) {
            return;
        }
        String header = ctx.header("Authorization");
        String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim() : null;
        if (presented == null || !MessageDigest.isEqual(expected, digest(presented))) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"runstream\"");
            throw new ApiException(401, "unauthorized", presented == null
                    ? "this route needs an 'Authorization: Bearer <token>' header"
                    : "the bearer token is not valid");
        }
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
