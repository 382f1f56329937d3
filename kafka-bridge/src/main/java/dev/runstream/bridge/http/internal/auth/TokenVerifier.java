package dev.runstream.bridge.http.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Checks a presented token without any lookup, in an order that trusts nothing unverified: its length, its shape
 * (four segments of URL-safe characters, version {@code rs1}), its key id against the keys that may verify now, its
 * MAC over the exact received bytes (compared with {@link MessageDigest#isEqual}); only then is the payload decoded,
 * and its validity window checked against the clock, give or take {@code clockSkew}. A token whose lifetime exceeds
 * {@code maxLifetime} (plus the skew) is refused too, so lowering the maximum also retires longer tokens.
 */
public final class TokenVerifier {

    private final SigningKeys keys;
    private final Clock clock;
    private final Duration clockSkew;
    private final Duration maxLifetime;

    public TokenVerifier(SigningKeys keys, Clock clock, Duration clockSkew, Duration maxLifetime) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        this.maxLifetime = Objects.requireNonNull(maxLifetime, "maxLifetime");
    }

    /** The claims of {@code token}, or {@link TokenRejectedException} saying why it is refused. */
    public TokenClaims verify(String token) {
        if (token.length() > TokenFormat.MAX_LENGTH) {
            throw new TokenRejectedException("it is longer than " + TokenFormat.MAX_LENGTH + " characters");
        }
        String[] segments = segments(token);
        if (!TokenFormat.VERSION.equals(segments[0])) {
            throw new TokenRejectedException("it is not a Runstream token of version " + TokenFormat.VERSION);
        }
        Instant now = clock.instant();
        SigningKey key = keys.forVerification(segments[1], now);
        byte[] mac = TokenFormat.decode(segments[3], "signature");
        int signedLength = token.lastIndexOf('.');
        byte[] expected = key.mac(token.substring(0, signedLength).getBytes(StandardCharsets.US_ASCII));
        if (mac.length != TokenFormat.MAC_BYTES || !MessageDigest.isEqual(expected, mac)) {
            throw new TokenRejectedException("its signature does not match");
        }
        TokenClaims claims = TokenFormat.claims(TokenFormat.decode(segments[2], "payload"));
        if (now.plus(clockSkew).isBefore(claims.notBefore())) {
            throw new TokenRejectedException("it is not valid before " + claims.notBefore());
        }
        if (!now.minus(clockSkew).isBefore(claims.expiresAt())) {
            throw new TokenRejectedException("it expired at " + claims.expiresAt());
        }
        if (Duration.between(claims.notBefore(), claims.expiresAt()).compareTo(maxLifetime.plus(clockSkew)) > 0) {
            throw new TokenRejectedException("its lifetime is longer than the maximum, " + maxLifetime);
        }
        return claims;
    }

    /** Exactly {@link TokenFormat#SEGMENTS} non-empty segments of base64url characters. */
    private static String[] segments(String token) {
        String[] segments = token.split("\\.", -1);
        if (segments.length != TokenFormat.SEGMENTS) {
            throw new TokenRejectedException("it has " + segments.length + " segments, not "
                    + TokenFormat.SEGMENTS);
        }
        for (String segment : segments) {
            if (segment.isEmpty()) {
                throw new TokenRejectedException("it has an empty segment");
            }
            for (int i = 0; i < segment.length(); i++) {
                if (!TokenFormat.isBase64Url(segment.charAt(i))) {
                    throw new TokenRejectedException("it holds a character that is not URL-safe");
                }
            }
        }
        if (segments[1].length() != SigningKey.KEY_ID_LENGTH) {
            throw new TokenRejectedException("its key id is not " + SigningKey.KEY_ID_LENGTH + " characters");
        }
        return segments;
    }
}
