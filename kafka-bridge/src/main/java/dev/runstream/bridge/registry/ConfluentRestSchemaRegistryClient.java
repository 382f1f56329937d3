package dev.runstream.bridge.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.registry.internal.RegistryHttp;
import dev.runstream.bridge.registry.internal.SingleFlightCache;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link SchemaRegistryClient} over the Confluent Schema Registry REST API, which Apicurio (its
 * {@code ccompat} API), Karapace and Redpanda serve too: the base URL may carry a path prefix (e.g.
 * {@code http://registry:8080/apis/ccompat/v7}), and answers may hold fields this client does not know.
 *
 * <p>Ids and schemas are cached once known, both ways (id → schema; subject and schema → id), so the
 * per-record path calls the registry once per schema. Schema references and non-Avro schema types are not
 * supported.
 */
public final class ConfluentRestSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(ConfluentRestSchemaRegistryClient.class);
    private static final int SUBJECT_NOT_FOUND = 40401;
    private static final int VERSION_NOT_FOUND = 40402;

    private record SubjectSchema(String subject, String schema) {
    }

    private final URI baseUri;
    private final String authDescription;
    private final RegistryHttp http;
    private final HttpClient httpClient;
    private final SingleFlightCache<Integer, Schema> schemasById = new SingleFlightCache<>();
    private final SingleFlightCache<SubjectSchema, Integer> registeredIds = new SingleFlightCache<>();
    private final SingleFlightCache<SubjectSchema, Integer> lookedUpIds = new SingleFlightCache<>();

    private ConfluentRestSchemaRegistryClient(Builder builder) {
        this.baseUri = builder.baseUri;
        this.authDescription = builder.authDescription();
        this.httpClient = HttpClient.newBuilder().connectTimeout(builder.connectTimeout).build();
        this.http = new RegistryHttp(builder.baseUri, httpClient, builder.requestTimeout, builder.headers(),
            builder.maxRetries, builder.initialBackoff, builder.maxBackoff);
        LOG.info("Schema registry client for {} ({})", baseUri, authDescription);
    }

    /** A builder for a client of the registry at {@code baseUrl} ({@code http(s)://host:port[/prefix]}). */
    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = key(subject, schema);
        return lookedUpIds.getIfPresent(key).orElseGet(() -> registeredIds.get(key, k -> {
            JsonNode answer = http.send("POST", "/subjects/" + RegistryHttp.segment(subject) + "/versions", schemaBody(k.schema()));
            int id = requireId(answer, "POST /subjects/" + subject + "/versions");
            schemasById.put(id, schema);
            LOG.info("Registered schema {} under subject {} as id {}", schema.getFullName(), subject, id);
            return id;
        }));
    }

    @Override
    public Schema schemaById(int id) {
        return schemasById.get(id, k -> {
            JsonNode answer = http.send("GET", "/schemas/ids/" + k, null);
            String type = answer.path("schemaType").asText("AVRO");
            if (!"AVRO".equalsIgnoreCase(type)) {
                throw new InvalidSchemaException("Schema id " + k + " is a " + type + " schema, not Avro", 0);
            }
            return parse(answer.path("schema").asText(null), "schema id " + k);
        });
    }

    @Override
    public int idOf(String subject, Schema schema) {
        SubjectSchema key = key(subject, schema);
        return registeredIds.getIfPresent(key).orElseGet(() -> lookedUpIds.get(key, k -> {
            JsonNode answer = http.send("POST", "/subjects/" + RegistryHttp.segment(subject), schemaBody(k.schema()));
            int id = requireId(answer, "POST /subjects/" + subject);
            schemasById.put(id, schema);
            return id;
        }));
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        SubjectSchema key = key(subject, schema);
        try {
            JsonNode answer = http.send("POST", "/compatibility/subjects/" + RegistryHttp.segment(subject)
                + "/versions/latest", schemaBody(key.schema()));
            JsonNode verdict = answer.path("is_compatible");
            if (!verdict.isBoolean()) {
                throw new SchemaRegistryException("Schema registry compatibility answer for subject " + subject
                    + " has no boolean is_compatible: " + answer, 0, null);
            }
            return verdict.booleanValue();
        } catch (SchemaNotFoundException e) {
            if (e.errorCode() == SUBJECT_NOT_FOUND || e.errorCode() == VERSION_NOT_FOUND) {
                return true; // no version to be compatible with yet
            }
            throw e;
        }
    }

    private static SubjectSchema key(String subject, Schema schema) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank: '" + subject + "'");
        }
        return new SubjectSchema(subject, Objects.requireNonNull(schema, "schema").toString());
    }

    private static ObjectNode schemaBody(String schemaJson) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("schema", schemaJson);
        return body;
    }

    private static int requireId(JsonNode answer, String request) {
        JsonNode id = answer.path("id");
        if (!id.canConvertToInt() || !id.isIntegralNumber()) {
            throw new SchemaRegistryException("Schema registry answer to " + request + " has no integer id: " + answer, 0, null);
        }
        return id.intValue();
    }

    static Schema parse(String json, String what) {
        if (json == null) {
            throw new InvalidSchemaException("Schema registry answer for " + what + " has no schema", 0);
        }
        try {
            return new Schema.Parser().parse(json);
        } catch (SchemaParseException e) {
            throw new InvalidSchemaException("Schema registry returned an invalid Avro schema for " + what + ": "
                + e.getMessage(), 0, e);
        }
    }

    @Override
    public void close() {
        httpClient.close();
    }

    @Override
    public String toString() {
        return "ConfluentRestSchemaRegistryClient{baseUrl=" + baseUri + ", auth=" + authDescription + '}';
    }

    /** Builds a {@link ConfluentRestSchemaRegistryClient}; validates each value as it is set. */
    public static final class Builder {

        private final URI baseUri;
        private String basicUser;
        private String basicPassword;
        private String bearerToken;
        private final Map<String, String> extraHeaders = new LinkedHashMap<>();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxRetries = 3;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(5);

        private Builder(String baseUrl) {
            URI uri;
            try {
                uri = URI.create(Objects.requireNonNull(baseUrl, "baseUrl").strip());
            } catch (IllegalArgumentException e) {
                // Not echoed: a URL that does not parse may still hold credentials.
                throw new IllegalArgumentException("Schema registry URL is not a URL"
                    + (e.getCause() instanceof java.net.URISyntaxException syntax && syntax.getIndex() >= 0
                        ? " (bad character at index " + syntax.getIndex() + ")" : "")
                    + "; expected http(s)://host[:port][/path]");
            }
            if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("Schema registry URL must be http(s)://host[:port][/path], was "
                    + (uri.getScheme() == null ? "without a scheme" : "scheme '" + uri.getScheme() + "'")
                    + (uri.getHost() == null ? " and without a host" : ""));
            }
            if (uri.getUserInfo() != null || uri.getQuery() != null) {
                throw new IllegalArgumentException("Schema registry URL must carry no credentials or query: "
                    + uri.getScheme() + "://" + uri.getHost() + "…; use basicAuth(user, password)");
            }
            this.baseUri = uri;
        }

        /** HTTP basic authentication ({@code user:password}); the password is never logged. */
        public Builder basicAuth(String user, String password) {
            if (user == null || user.isEmpty() || user.contains(":") || password == null) {
                throw new IllegalArgumentException("basic auth needs a user without ':' and a password, got user '" + user + "'");
            }
            this.basicUser = user;
            this.basicPassword = password;
            return this;
        }

        /** An OAuth bearer token; never logged. */
        public Builder bearerToken(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("bearer token must not be blank");
            }
            this.bearerToken = token;
            return this;
        }

        /** An extra header on every request (e.g. {@code target-sr-cluster}); values are never logged. */
        public Builder header(String name, String value) {
            if (name == null || name.isBlank() || value == null || "authorization".equalsIgnoreCase(name)) {
                throw new IllegalArgumentException("header needs a name (not Authorization) and a value: " + name);
            }
            extraHeaders.put(name, value);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** Time limit of each HTTP request (each retry has its own). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** Retries after an I/O error, timeout or 5xx; 0 disables them. Backoff doubles from initial to max. */
        public Builder retries(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
            if (maxRetries < 0 || maxRetries > 20) {
                throw new IllegalArgumentException("maxRetries must be in [0, 20]: " + maxRetries);
            }
            this.maxRetries = maxRetries;
            this.initialBackoff = positive(initialBackoff, "initialBackoff");
            this.maxBackoff = positive(maxBackoff, "maxBackoff");
            return this;
        }

        public ConfluentRestSchemaRegistryClient build() {
            if (basicUser != null && bearerToken != null) {
                throw new IllegalArgumentException("Choose basic auth or a bearer token, not both");
            }
            return new ConfluentRestSchemaRegistryClient(this);
        }

        private Map<String, String> headers() {
            Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
            if (basicUser != null) {
                String pair = basicUser + ":" + basicPassword;
                headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            } else if (bearerToken != null) {
                headers.put("Authorization", "Bearer " + bearerToken);
            }
            return headers;
        }

        private String authDescription() {
            String auth = basicUser != null ? "basic " + basicUser + ":******" : bearerToken != null ? "bearer ******" : "none";
            return extraHeaders.isEmpty() ? auth : auth + ", headers " + extraHeaders.keySet();
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }
}
