package dev.runstream.bridge.http.internal.auth;

import dev.runstream.bridge.http.BridgeConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The bridge's authentication, built from its settings: the {@link AccessGuard} of every route (none when no
 * {@code http.auth.token} is set) and the {@link TokenRoutes} that mint scoped tokens and session cookies.
 */
public record HttpAuth(Optional<AccessGuard> guard, TokenRoutes tokens) {

    public static HttpAuth of(BridgeConfig config, Clock clock) {
        Duration maxTtl = Duration.ofMillis(config.getLong(BridgeConfig.AUTH_TOKEN_MAX_TTL_MS_CONFIG));
        Duration skew = Duration.ofMillis(config.getLong(BridgeConfig.AUTH_TOKEN_CLOCK_SKEW_MS_CONFIG));
        Optional<SigningKeys> keys = config.signingKey().map(key -> new SigningKeys(
                SigningKey.fromBase64(key.value()),
                config.previousSigningKey().map(previous -> SigningKey.fromBase64(previous.value())),
                config.previousSigningKeyUntil()));
        Optional<TokenVerifier> verifier = keys.map(k -> new TokenVerifier(k, clock, skew, maxTtl));
        Optional<AccessGuard> guard = config.authToken()
                .map(token -> new AccessGuard(new AdminToken(token.value()), verifier));
        return new HttpAuth(guard, new TokenRoutes(keys.map(k -> new TokenSigner(k.current())), maxTtl, clock));
    }

    /** How the log describes it: never a secret. */
    public String describe() {
        if (guard.isEmpty()) {
            return "none";
        }
        return "admin bearer token" + (tokens.minting() ? ", scoped tokens" : "");
    }
}
