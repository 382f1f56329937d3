package dev.runstream.bridge.http.internal.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.http.internal.ApiException;
import dev.runstream.core.InvalidRunIdException;
import dev.runstream.core.json.Json;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * The body of {@code POST /v1/tokens}: {@code {"run": id} or {"runPrefix": p}, "scopes": [...], "ttlSeconds": n,
 * "notBefore": ISO instant (optional)}. Every refusal is a 400 naming the field and why.
 */
record MintRequest(RunSelector runs, Set<Scope> scopes, Duration ttl, Optional<Instant> notBefore) {

    static final int MAX_BODY_BYTES = 4096;
    private static final Set<String> FIELDS = Set.of("run", "runPrefix", "scopes", "ttlSeconds", "notBefore");

    static MintRequest parse(byte[] body, Duration maxTtl) {
        if (body.length > MAX_BODY_BYTES) {
            throw bad(null, "the body is longer than " + MAX_BODY_BYTES + " bytes");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw bad(null, "the body is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw bad(null, "the body is not a JSON object");
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw bad(Scope.printable(name), "unknown field (known: run, runPrefix, scopes, ttlSeconds, notBefore)");
            }
        }
        return new MintRequest(runs(json), scopes(json), ttl(json, maxTtl), notBefore(json));
    }

    private static RunSelector runs(JsonNode json) {
        JsonNode run = json.get("run");
        JsonNode prefix = json.get("runPrefix");
        if ((run == null) == (prefix == null)) {
            throw bad("run", "give exactly one of 'run' (one run id) and 'runPrefix'");
        }
        String field = run != null ? "run" : "runPrefix";
        JsonNode value = run != null ? run : prefix;
        if (!value.isTextual()) {
            throw bad(field, "must be a string");
        }
        try {
            return run != null ? RunSelector.exactly(value.textValue()) : RunSelector.withPrefix(value.textValue());
        } catch (InvalidRunIdException | IllegalArgumentException e) {
            throw bad(field, e.getMessage());
        }
    }

    private static Set<Scope> scopes(JsonNode json) {
        JsonNode scopes = json.get("scopes");
        if (scopes == null || !scopes.isArray() || scopes.isEmpty()) {
            throw bad("scopes", "must be a non-empty array of 'read', 'write', 'cancel'");
        }
        Set<Scope> parsed = EnumSet.noneOf(Scope.class);
        for (JsonNode scope : scopes) {
            if (!scope.isTextual()) {
                throw bad("scopes", "must hold strings only");
            }
            try {
                parsed.add(Scope.parse(scope.textValue()));
            } catch (IllegalArgumentException e) {
                throw bad("scopes", e.getMessage());
            }
        }
        return parsed;
    }

    private static Duration ttl(JsonNode json, Duration maxTtl) {
        JsonNode ttl = json.get("ttlSeconds");
        if (ttl == null || !ttl.canConvertToExactIntegral() || !ttl.canConvertToLong()) {
            throw bad("ttlSeconds", "must be a whole number of seconds");
        }
        long seconds = ttl.asLong();
        if (seconds < 1 || seconds > maxTtl.toSeconds()) {
            throw bad("ttlSeconds", "must be from 1 to " + maxTtl.toSeconds() + " (http.auth.token.max.ttl.ms), was "
                    + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    private static Optional<Instant> notBefore(JsonNode json) {
        JsonNode notBefore = json.get("notBefore");
        if (notBefore == null) {
            return Optional.empty();
        }
        if (!notBefore.isTextual()) {
            throw bad("notBefore", "must be an ISO-8601 instant such as 2030-01-01T00:00:00Z");
        }
        try {
            return Optional.of(Instant.parse(notBefore.textValue()).truncatedTo(ChronoUnit.SECONDS));
        } catch (DateTimeException e) {
            throw bad("notBefore", "must be an ISO-8601 instant such as 2030-01-01T00:00:00Z");
        }
    }

    static ApiException bad(String field, String why) {
        ObjectNode details = Json.object();
        if (field != null) {
            details.put("field", field);
        }
        details.put("reason", why);
        return new ApiException(400, "bad_request", (field == null ? "" : "field '" + field + "': ") + why, details);
    }
}
