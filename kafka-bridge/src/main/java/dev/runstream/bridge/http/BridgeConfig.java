package dev.runstream.bridge.http;

import dev.runstream.bridge.config.SettingErrors;
import dev.runstream.bridge.http.internal.auth.SigningKey;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The HTTP bridge's settings ({@code http.*}), declared once with type, default, validator and doc. They are read
 * from the same settings as {@code RunstreamConfig} (e.g. {@code --config http.auth.token=...}).
 */
public final class BridgeConfig extends AbstractConfig {

    public static final String AUTH_TOKEN_CONFIG = "http.auth.token";
    public static final String AUTH_SIGNING_KEY_CONFIG = "http.auth.signing.key";
    public static final String AUTH_SIGNING_KEY_PREVIOUS_CONFIG = "http.auth.signing.key.previous";
    public static final String AUTH_SIGNING_KEY_PREVIOUS_UNTIL_CONFIG = "http.auth.signing.key.previous.until";
    public static final String AUTH_TOKEN_MAX_TTL_MS_CONFIG = "http.auth.token.max.ttl.ms";
    public static final String AUTH_TOKEN_CLOCK_SKEW_MS_CONFIG = "http.auth.token.clock.skew.ms";
    public static final String ADVERTISED_HOST_CONFIG = "http.advertised.host";
    public static final String SSE_HEARTBEAT_INTERVAL_MS_CONFIG = "http.sse.heartbeat.interval.ms";
    public static final String SSE_LINGER_MS_CONFIG = "http.sse.linger.ms";
    public static final String SSE_HISTORY_TIMEOUT_MS_CONFIG = "http.sse.history.timeout.ms";
    public static final String INGEST_MAX_CHUNK_BYTES_CONFIG = "http.ingest.max.chunk.bytes";
    public static final String DELETE_TIMEOUT_MS_CONFIG = "http.delete.timeout.ms";
    public static final String FORWARD_TIMEOUT_MS_CONFIG = "http.forward.timeout.ms";
    public static final String IDLE_TIMEOUT_MS_CONFIG = "http.idle.timeout.ms";
    public static final String CORS_ALLOWED_ORIGINS_CONFIG = "http.cors.allowed.origins";

    public static final ConfigDef CONFIG = new ConfigDef()
            .define(AUTH_TOKEN_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                    "Admin bearer token: every route but /health requires it or a scoped token "
                            + "(Authorization: Bearer <token>); unset: no auth.")
            .define(AUTH_SIGNING_KEY_CONFIG, Type.PASSWORD, null, base64Key(), Importance.HIGH,
                    "Base64 HMAC-SHA256 key (at least 32 bytes, e.g. 'openssl rand -base64 32') that signs and "
                            + "verifies scoped tokens (POST /v1/tokens); needs " + AUTH_TOKEN_CONFIG
                            + ". Unset: no scoped tokens.")
            .define(AUTH_SIGNING_KEY_PREVIOUS_CONFIG, Type.PASSWORD, null, base64Key(), Importance.MEDIUM,
                    "After a rotation, the key " + AUTH_SIGNING_KEY_CONFIG + " had before: it verifies tokens (never "
                            + "signs) until " + AUTH_SIGNING_KEY_PREVIOUS_UNTIL_CONFIG + ".")
            .define(AUTH_SIGNING_KEY_PREVIOUS_UNTIL_CONFIG, Type.STRING, "", instant(), Importance.MEDIUM,
                    "ISO-8601 instant (e.g. 2030-01-01T00:00:00Z) from which tokens signed with "
                            + AUTH_SIGNING_KEY_PREVIOUS_CONFIG + " are refused, whatever their own expiry; set "
                            + "together with it.")
            .define(AUTH_TOKEN_MAX_TTL_MS_CONFIG, Type.LONG, 24L * 60 * 60 * 1000, Range.between(1000,
                    366L * 24 * 60 * 60 * 1000), Importance.MEDIUM,
                    "Longest lifetime of a scoped token: the most ttlSeconds may ask for; a token whose lifetime is "
                            + "longer (minted under a higher maximum) is refused.")
            .define(AUTH_TOKEN_CLOCK_SKEW_MS_CONFIG, Type.LONG, 30_000L, Range.between(0, 300_000), Importance.LOW,
                    "How far the clocks of the instances that mint and check a token may differ: a token is "
                            + "accepted this long before its notBefore and after its expiry.")
            .define(ADVERTISED_HOST_CONFIG, Type.STRING, "", Importance.MEDIUM,
                    "Host name other instances reach this one's HTTP port at (run summaries are answered by the "
                            + "instance that holds them); empty: this machine's host name.")
            .define(SSE_HEARTBEAT_INTERVAL_MS_CONFIG, Type.LONG, 15_000L, Range.atLeast(100), Importance.LOW,
                    "How often an SSE stream with nothing to send gets a comment line, so that proxies keep it "
                            + "open and a gone client is noticed.")
            .define(SSE_LINGER_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(0), Importance.LOW,
                    "How long a run nobody reads any more is still followed, for readers who reconnect.")
            .define(SSE_HISTORY_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(100), Importance.LOW,
                    "How long an SSE request waits for the chunks a run already has to be read before it fails.")
            .define(INGEST_MAX_CHUNK_BYTES_CONFIG, Type.INT, 1_000_000, Range.atLeast(64), Importance.MEDIUM,
                    "Largest chunk (its JSON, in bytes) the ingest route accepts; keep it under the run topics' "
                            + "max.message.bytes.")
            .define(DELETE_TIMEOUT_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(100), Importance.LOW,
                    "How long DELETE /v1/runs/{runId} waits for the aggregator to erase the run.")
            .define(FORWARD_TIMEOUT_MS_CONFIG, Type.LONG, 10_000L, Range.atLeast(100), Importance.LOW,
                    "How long a query forwarded to the instance that holds a run's summary may take.")
            .define(IDLE_TIMEOUT_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(100), Importance.MEDIUM,
                    "A request whose body sends nothing, or a response the client reads nothing of, for this long "
                            + "is cut (stalled uploads, gone readers). Must exceed "
                            + SSE_HEARTBEAT_INTERVAL_MS_CONFIG + ".")
            .define(CORS_ALLOWED_ORIGINS_CONFIG, Type.LIST, "", BridgeConfig::validateOrigins, Importance.MEDIUM,
                    "Origins (scheme://host[:port], comma-separated, or * for any) whose browser scripts may call "
                            + "the bridge (CORS); preflight requests are answered without auth. Empty: no CORS.");

    private static void validateOrigins(String name, Object value) {
        if (value instanceof List<?> origins) {
            for (Object origin : origins) {
                if (!"*".equals(origin) && !String.valueOf(origin).matches("https?://[^/\\s?#]+")) {
                    throw new ConfigException(name, value, "'" + origin
                            + "' is not an origin: scheme://host[:port] with no path, or *");
                }
            }
        }
    }

    private static ConfigDef.Validator base64Key() {
        return (name, value) -> {
            if (value instanceof Password key) {
                try {
                    SigningKey.fromBase64(key.value());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, key, e.getMessage());
                }
            }
        };
    }

    private static ConfigDef.Validator instant() {
        return (name, value) -> {
            if (value instanceof String text && !text.isBlank()) {
                try {
                    Instant.parse(text.strip());
                } catch (DateTimeException e) {
                    throw new ConfigException(name, value, "is not an ISO-8601 instant such as 2030-01-01T00:00:00Z");
                }
            }
        };
    }

    public BridgeConfig(Map<?, ?> originals) {
        super(CONFIG, SettingErrors.requireValid(CONFIG, originals), false);
        requireConsistentTokenSettings();
        if (getLong(SSE_HEARTBEAT_INTERVAL_MS_CONFIG) >= getLong(IDLE_TIMEOUT_MS_CONFIG)) {
            throw new ConfigException(SSE_HEARTBEAT_INTERVAL_MS_CONFIG,
                    getLong(SSE_HEARTBEAT_INTERVAL_MS_CONFIG), "must be less than " + IDLE_TIMEOUT_MS_CONFIG + " ("
                    + getLong(IDLE_TIMEOUT_MS_CONFIG) + "), or quiet SSE streams would be cut as idle");
        }
    }

    /** Every rule between the token settings, all broken ones reported in one message. */
    private void requireConsistentTokenSettings() {
        List<String> errors = new ArrayList<>();
        boolean key = signingKey().isPresent();
        boolean previous = previousSigningKey().isPresent();
        boolean until = previousSigningKeyUntil().isPresent();
        if (key && authToken().isEmpty()) {
            errors.add(AUTH_SIGNING_KEY_CONFIG + " needs " + AUTH_TOKEN_CONFIG + " (the admin token that mints tokens)");
        }
        if (previous && !key) {
            errors.add(AUTH_SIGNING_KEY_PREVIOUS_CONFIG + " needs " + AUTH_SIGNING_KEY_CONFIG);
        }
        if (previous != until) {
            errors.add(AUTH_SIGNING_KEY_PREVIOUS_CONFIG + " and " + AUTH_SIGNING_KEY_PREVIOUS_UNTIL_CONFIG
                    + " are set together or not at all");
        }
        if (previous && key && SigningKey.fromBase64(previousSigningKey().get().value())
                .sameKeyAs(SigningKey.fromBase64(signingKey().get().value()))) {
            errors.add(AUTH_SIGNING_KEY_PREVIOUS_CONFIG + " is the same key as " + AUTH_SIGNING_KEY_CONFIG);
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(String.join("; ", errors));
        }
    }

    /** The origins CORS allows ({@code *}: any); empty when CORS is off. */
    public List<String> corsAllowedOrigins() {
        return getList(CORS_ALLOWED_ORIGINS_CONFIG);
    }

    public Optional<Password> authToken() {
        return Optional.ofNullable(getPassword(AUTH_TOKEN_CONFIG));
    }

    public Optional<Password> signingKey() {
        return Optional.ofNullable(getPassword(AUTH_SIGNING_KEY_CONFIG));
    }

    public Optional<Password> previousSigningKey() {
        return Optional.ofNullable(getPassword(AUTH_SIGNING_KEY_PREVIOUS_CONFIG));
    }

    public Optional<Instant> previousSigningKeyUntil() {
        String until = getString(AUTH_SIGNING_KEY_PREVIOUS_UNTIL_CONFIG).strip();
        return until.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(until));
    }

    /** The advertised host, or this machine's host name (loopback when it has none). */
    public String advertisedHost() {
        String host = getString(ADVERTISED_HOST_CONFIG);
        if (!host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress().getHostAddress();
        }
    }
}
