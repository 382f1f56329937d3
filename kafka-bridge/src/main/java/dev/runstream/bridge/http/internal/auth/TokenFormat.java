package dev.runstream.bridge.http.internal.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.InvalidRunIdException;
import dev.runstream.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Set;

/**
 * The wire form of a scoped token, {@code rs1.<keyId>.<payload>.<mac>}:
 *
 * <ul>
 *   <li>{@code rs1}: the format version; any other first segment is refused (no algorithm is ever read from a token);</li>
 *   <li>{@code keyId}: the {@link SigningKey#id() id} of the key that signed it, 8 base64url characters;</li>
 *   <li>{@code payload}: base64url of the claims as JSON, {@code {"jti","run"|"pfx","scp","nbf","exp"}}, times in
 *       epoch seconds;</li>
 *   <li>{@code mac}: base64url of HMAC-SHA256 over the ASCII bytes of {@code rs1.<keyId>.<payload>}, exactly as
 *       received.</li>
 * </ul>
 *
 * Base64url is unpadded and canonical: a segment that does not re-encode to itself is refused, so one token has one
 * spelling. Every character is URL-, header- and cookie-safe.
 */
final class TokenFormat {

    static final String VERSION = "rs1";
    /** Longer tokens are refused before any decoding; a real one is a few hundred characters. */
    static final int MAX_LENGTH = 1024;
    static final int MAC_BYTES = 32;
    /** Segments: version, key id, payload, mac. */
    static final int SEGMENTS = 4;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private TokenFormat() {
    }

    static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /** The bytes of a base64url segment, refused unless it is unpadded, canonical and non-empty. */
    static byte[] decode(String segment, String what) {
        if (segment.isEmpty()) {
            throw new TokenRejectedException("its " + what + " is empty");
        }
        for (int i = 0; i < segment.length(); i++) {
            if (!isBase64Url(segment.charAt(i))) {
                throw new TokenRejectedException("its " + what + " is not base64url (character at index " + i + ")");
            }
        }
        byte[] bytes;
        try {
            bytes = DECODER.decode(segment);
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException("its " + what + " is not base64url (length " + segment.length() + ")");
        }
        if (!ENCODER.encodeToString(bytes).equals(segment)) {
            throw new TokenRejectedException("its " + what + " is not canonical base64url");
        }
        return bytes;
    }

    static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    static byte[] payload(TokenClaims claims) {
        ObjectNode json = Json.object();
        json.put("jti", claims.id());
        if (claims.runs().run() != null) {
            json.put("run", claims.runs().run());
        } else {
            json.put("pfx", claims.runs().prefix());
        }
        ArrayNode scopes = json.putArray("scp");
        EnumSet.copyOf(claims.scopes()).forEach(scope -> scopes.add(scope.wireName()));
        json.put("nbf", claims.notBefore().getEpochSecond());
        json.put("exp", claims.expiresAt().getEpochSecond());
        return Json.write(json).getBytes(StandardCharsets.UTF_8);
    }

    /** The claims of a payload whose MAC was verified; strict all the same (only known fields, right types). */
    static TokenClaims claims(byte[] payload) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new TokenRejectedException("its payload is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw new TokenRejectedException("its payload is not a JSON object");
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!Set.of("jti", "run", "pfx", "scp", "nbf", "exp").contains(name)) {
                throw new TokenRejectedException("its payload has an unknown field");
            }
        }
        try {
            String run = text(json, "run", false);
            String prefix = text(json, "pfx", false);
            RunSelector runs = new RunSelector(run, prefix);
            JsonNode scp = json.path("scp");
            if (!scp.isArray()) {
                throw new TokenRejectedException("its payload has no scopes");
            }
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            for (JsonNode scope : scp) {
                scopes.add(Scope.parse(scope.isTextual() ? scope.textValue() : scope.toString()));
            }
            return new TokenClaims(text(json, "jti", true), runs, scopes, seconds(json, "nbf"), seconds(json, "exp"));
        } catch (IllegalArgumentException | InvalidRunIdException e) {
            throw new TokenRejectedException("its payload is not valid: " + e.getMessage());
        }
    }

    private static String text(JsonNode json, String field, boolean required) {
        JsonNode value = json.get(field);
        if (value == null && !required) {
            return null;
        }
        if (value == null || !value.isTextual()) {
            throw new TokenRejectedException("its payload's '" + field + "' is not a string");
        }
        return value.textValue();
    }

    private static Instant seconds(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.canConvertToExactIntegral() || !value.canConvertToLong()) {
            throw new TokenRejectedException("its payload's '" + field + "' is not a whole number of seconds");
        }
        long seconds = value.asLong();
        if (seconds < 0 || seconds > Instant.parse("9999-12-31T23:59:59Z").getEpochSecond()) {
            throw new TokenRejectedException("its payload's '" + field + "' is out of range");
        }
        return Instant.ofEpochSecond(seconds);
    }
}
