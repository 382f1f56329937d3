package dev.runstream.bridge.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * The HTTP bridge's settings ({@code http.*}), declared once with type, default, validator and doc. They are read
 * from the same settings as {@code RunstreamConfig} (e.g. {@code --config http.auth.token=...}).
 */
public final class BridgeConfig extends AbstractConfig {

    public static final String AUTH_TOKEN_CONFIG = "http.auth.token";
    public static final String ADVERTISED_HOST_CONFIG = "http.advertised.host";
    public static final String SSE_HEARTBEAT_INTERVAL_MS_CONFIG = "http.sse.heartbeat.interval.ms";
    public static final String SSE_WINDOW_CHUNKS_CONFIG = "http.sse.window.chunks";
    public static final String SSE_LINGER_MS_CONFIG = "http.sse.linger.ms";
    public static final String SSE_HISTORY_TIMEOUT_MS_CONFIG = "http.sse.history.timeout.ms";
    public static final String FANOUT_CONSUMERS_CONFIG = "http.fanout.consumers";
    public static final String INGEST_MAX_CHUNK_BYTES_CONFIG = "http.ingest.max.chunk.bytes";
    public static final String DELETE_TIMEOUT_MS_CONFIG = "http.delete.timeout.ms";
    public static final String FORWARD_TIMEOUT_MS_CONFIG = "http.forward.timeout.ms";
    public static final String IDLE_TIMEOUT_MS_CONFIG = "http.idle.timeout.ms";
    public static final String CORS_ALLOWED_ORIGINS_CONFIG = "http.cors.allowed.origins";

    public static final ConfigDef CONFIG = new ConfigDef()
            .define(AUTH_TOKEN_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                    "Bearer token every route but /health requires (Authorization: Bearer <token>); unset: no auth.")
            .define(ADVERTISED_HOST_CONFIG, Type.STRING, "", Importance.MEDIUM,
                    "Host name other instances reach this one's HTTP port at (run summaries are answered by the "
                            + "instance that holds them); empty: this machine's host name.")
            .define(SSE_HEARTBEAT_INTERVAL_MS_CONFIG, Type.LONG, 15_000L, Range.atLeast(100), Importance.LOW,
                    "How often an SSE stream with nothing to send gets a comment line, so that proxies keep it "
                            + "open and a gone client is noticed.")
            .define(SSE_WINDOW_CHUNKS_CONFIG, Type.INT, 20_000, Range.atLeast(16), Importance.MEDIUM,
                    "How many of a followed run's latest chunks are held in memory for its live readers; a reader "
                            + "further behind is cut with an error event and can resume with Last-Event-ID.")
            .define(SSE_LINGER_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(0), Importance.LOW,
                    "How long a run nobody reads any more is still followed, for readers who reconnect.")
            .define(SSE_HISTORY_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(100), Importance.LOW,
                    "How long an SSE request waits for the chunks a run already has to be read before it fails.")
            .define(FANOUT_CONSUMERS_CONFIG, Type.INT, 2, Range.between(1, 64), Importance.MEDIUM,
                    "Kafka consumers shared by every live SSE reader of this instance.")
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
                    throw new org.apache.kafka.common.config.ConfigException(name, value, "'" + origin
                            + "' is not an origin: scheme://host[:port] with no path, or *");
                }
            }
        }
    }

    public BridgeConfig(Map<?, ?> originals) {
        super(CONFIG, originals, false);
        if (getLong(SSE_HEARTBEAT_INTERVAL_MS_CONFIG) >= getLong(IDLE_TIMEOUT_MS_CONFIG)) {
            throw new org.apache.kafka.common.config.ConfigException(SSE_HEARTBEAT_INTERVAL_MS_CONFIG,
                    getLong(SSE_HEARTBEAT_INTERVAL_MS_CONFIG), "must be less than " + IDLE_TIMEOUT_MS_CONFIG + " ("
                    + getLong(IDLE_TIMEOUT_MS_CONFIG) + "), or quiet SSE streams would be cut as idle");
        }
    }

    /** The origins CORS allows ({@code *}: any); empty when CORS is off. */
    public List<String> corsAllowedOrigins() {
        return getList(CORS_ALLOWED_ORIGINS_CONFIG);
    }

    public Optional<Password> authToken() {
        return Optional.ofNullable(getPassword(AUTH_TOKEN_CONFIG));
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
