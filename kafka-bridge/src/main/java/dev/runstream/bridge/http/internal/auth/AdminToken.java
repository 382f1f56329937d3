package dev.runstream.bridge.http.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin token ({@code http.auth.token}), which reaches every route. Compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}: the time taken depends on neither the presented token's content nor its length.
 */
public final class AdminToken {

    private final byte[] digest;

    public AdminToken(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("the admin token is empty");
        }
        this.digest = digest(token);
    }

    public boolean matches(String presented) {
        return MessageDigest.isEqual(digest, digest(presented));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "AdminToken[hidden]";
    }
}
