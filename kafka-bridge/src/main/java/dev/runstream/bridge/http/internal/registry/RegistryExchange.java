package dev.runstream.bridge.http.internal.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.json.Json;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Reading a registry API request and writing its answer as Confluent's server does: the media types it takes and
 * gives, its request bodies ({@code {"schema", "schemaType", "references"}}, {@code {"compatibility"}}), versions
 * ({@code 1..2^31-1}, {@code latest} or {@code -1}) and ids.
 */
final class RegistryExchange {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Set<String> REQUEST_TYPES = Set.of(CONTENT_TYPE, "application/vnd.schemaregistry+json",
            "application/json", "application/octet-stream");

    private RegistryExchange() {
    }

    /** Answers 200 with {@code body} as JSON. */
    static void answer(Context ctx, Object body) {
        ctx.status(200).contentType(CONTENT_TYPE).result(Json.write(Json.MAPPER.valueToTree(body)));
    }

    /** The request body as JSON: 415 for a media type Confluent does not take, 400 for a body that is not JSON. */
    static JsonNode body(Context ctx) {
        String type = ctx.header("Content-Type");
        if (type != null && !type.isBlank()
                && !REQUEST_TYPES.contains(type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))) {
            throw new RegistryApiException(415, 415, "HTTP 415 Unsupported Media Type");
        }
        try {
            JsonNode body = Json.MAPPER.readTree(ctx.bodyAsBytes());
            if (body == null || !body.isObject()) {
                throw new RegistryApiException(422, 422, "Unrecognized request body: a JSON object is expected");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new RegistryApiException(400, 400, "Unexpected request body: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The Avro schema of a register, lookup or compatibility request: 42201 when it is missing, invalid or not Avro. */
    static Schema schema(JsonNode body) {
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw RegistryApiException.invalidSchema("Invalid schema: this registry holds Avro schemas only, not " + type);
        }
        if (body.path("references").isArray() && !body.path("references").isEmpty()) {
            throw RegistryApiException.invalidSchema("Invalid schema: schema references are not supported");
        }
        JsonNode text = body.path("schema");
        if (!text.isTextual() || text.asText().isBlank()) {
            throw RegistryApiException.invalidSchema("Empty schema");
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw RegistryApiException.invalidSchema("Invalid schema: " + e.getMessage());
        }
    }

    /** A version path parameter: empty for {@code latest} (or {@code -1}), else 1 or more; 42202 otherwise. */
    static OptionalInt version(String text) {
        String trimmed = text.strip();
        if (trimmed.equalsIgnoreCase("latest")) {
            return OptionalInt.empty();
        }
        try {
            int version = Integer.parseInt(trimmed);
            if (version == -1) {
                return OptionalInt.empty();
            }
            if (version > 0) {
                return OptionalInt.of(version);
            }
        } catch (NumberFormatException notANumber) {
            // refused below
        }
        throw RegistryApiException.invalidVersion(text);
    }

    /** A schema id path parameter; a non-integer one is no resource (404, as Confluent's server answers). */
    static int id(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new RegistryApiException(404, 404, "HTTP 404 Not Found");
        }
    }

    /** A boolean query parameter, false unless {@code true}. */
    static boolean flag(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name)).map(Boolean::parseBoolean).orElse(false);
    }
}
