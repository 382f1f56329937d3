package dev.runstream.bridge.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.bridge.registry.IncompatibleSchemaException;
import dev.runstream.bridge.registry.InvalidSchemaException;
import dev.runstream.bridge.registry.SchemaNotFoundException;
import dev.runstream.bridge.registry.SchemaRegistryAuthException;
import dev.runstream.bridge.registry.SchemaRegistryException;
import dev.runstream.bridge.registry.SchemaRegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Sends one Confluent Schema Registry API request: content negotiation, authentication headers, bounded
 * retries with exponential backoff for I/O errors and 5xx answers (every call it makes is idempotent), and
 * the mapping of error answers to exception types by HTTP status.
 */
public final class RegistryHttp {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttp.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_TEXT = 300;

    private final String baseUrl;
    private final HttpClient client;
    private final Duration requestTimeout;
    private final Map<String, String> headers;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    public RegistryHttp(URI baseUri, HttpClient client, Duration requestTimeout, Map<String, String> headers,
                        int maxRetries, Duration initialBackoff, Duration maxBackoff) {
        String base = baseUri.toString();
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.client = client;
        this.requestTimeout = requestTimeout;
        this.headers = Map.copyOf(headers);
        this.maxRetries = maxRetries;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /** A path segment, percent-encoded (a subject may hold '/', ':' or spaces). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Sends {@code method path} with an optional JSON body and returns the parsed 2xx answer. */
    public JsonNode send(String method, String path, JsonNode body) {
        HttpRequest request = request(method, path, body);
        for (int attempt = 0; ; attempt++) {
            String failure;
            Throwable cause = null;
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return parse(method, path, response.body());
                }
                if (status < 500) {
                    throw error(method, path, status, response.body());
                }
                failure = "HTTP " + status + errorText(response.body());
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                cause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryUnavailableException("Interrupted during schema registry " + method + " " + path, 0, e);
            }
            if (attempt >= maxRetries) {
                throw new SchemaRegistryUnavailableException("Schema registry " + method + " " + path + " failed after "
                    + (attempt + 1) + " attempt(s): " + failure, 0, cause);
            }
            Duration backoff = backoff(attempt);
            LOG.warn("Schema registry {} {} failed ({}); retry {} of {} in {} ms",
                method, path, failure, attempt + 1, maxRetries, backoff.toMillis());
            sleep(backoff, method, path);
        }
    }

    private HttpRequest request(String method, String path, JsonNode body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(requestTimeout)
            .header("Accept", ACCEPT);
        headers.forEach(builder::header);
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", CONTENT_TYPE);
            builder.method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private Duration backoff(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    private static void sleep(Duration backoff, String method, String path) {
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryUnavailableException("Interrupted while retrying schema registry " + method + " " + path, 0, e);
        }
    }

    private static JsonNode parse(String method, String path, String body) {
        try {
            return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException("Schema registry " + method + " " + path + " answered with invalid JSON"
                + errorText(body), 0, e);
        }
    }

    /** Maps an error answer to its exception type, by HTTP status; the message keeps the registry's. */
    static SchemaRegistryException error(String method, String path, int status, String body) {
        int errorCode = status;
        String message = truncate(body);
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            if (node != null && node.isObject()) {
                errorCode = node.path("error_code").asInt(status);
                message = node.path("message").asText(message);
            }
        } catch (JsonProcessingException notJson) {
            // a proxy's HTML or plain-text error page: keep its text
        }
        String text = "Schema registry " + method + " " + path + " failed: HTTP " + status
            + ", error_code " + errorCode + ": " + message;
        return switch (status) {
            case 401, 403 -> new SchemaRegistryAuthException(text, errorCode);
            case 404 -> new SchemaNotFoundException(text, errorCode);
            case 409 -> new IncompatibleSchemaException(text, errorCode);
            case 422 -> new InvalidSchemaException(text, errorCode);
            default -> new SchemaRegistryException(text, errorCode, null);
        };
    }

    private static String errorText(String body) {
        return body == null || body.isBlank() ? "" : ": " + truncate(body);
    }

    private static String truncate(String body) {
        if (body == null) {
            return "";
        }
        String flat = body.strip();
        return flat.length() <= MAX_ERROR_TEXT ? flat : flat.substring(0, MAX_ERROR_TEXT) + "…";
    }
}
