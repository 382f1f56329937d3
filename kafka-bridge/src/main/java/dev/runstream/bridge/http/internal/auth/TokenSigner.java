package dev.runstream.bridge.http.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;

/** Signs {@link TokenClaims} into the {@link TokenFormat} with the current key. */
public final class TokenSigner {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SigningKey key;

    public TokenSigner(SigningKey key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    /** The token for {@code claims}. */
    public String sign(TokenClaims claims) {
        String signed = TokenFormat.VERSION + "." + key.id() + "." + TokenFormat.encode(TokenFormat.payload(claims));
        return signed + "." + TokenFormat.encode(key.mac(signed.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A fresh random token id (96 bits, base64url). */
    public static String newTokenId() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return TokenFormat.encode(id);
    }
}
