package dev.runstream.bridge.http.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.registry.CompatibilityLevel;
import dev.runstream.bridge.registry.SchemaRegistryStore;
import dev.runstream.core.json.Json;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * {@code /config[/{subject}]}: the global and per-subject compatibility levels, with Confluent's field names: read
 * as {@code {"compatibilityLevel"}}, written and echoed as {@code {"compatibility"}}. A subject without a level of its
 * own answers 40408 unless {@code defaultToGlobal=true}; deleting a level answers the one it had.
 */
final class ConfigRoutes {

    private final SchemaRegistryStore store;

    ConfigRoutes(SchemaRegistryStore store) {
        this.store = store;
    }

    /** {@code GET /config}. */
    void getGlobal(Context ctx) {
        RegistryExchange.answer(ctx, level(store.globalCompatibility()));
    }

    /** {@code PUT /config}. */
    void putGlobal(Context ctx) {
        put(ctx, Optional.empty());
    }

    /** {@code DELETE /config}: back to the registry's default; answers the level it had. */
    void deleteGlobal(Context ctx) {
        CompatibilityLevel before = store.globalCompatibility();
        store.setCompatibility(Optional.empty(), Optional.empty());
        RegistryExchange.answer(ctx, level(before));
    }

    /** {@code GET /config/{subject}[?defaultToGlobal=true]}. */
    void getSubject(Context ctx) {
        String subject = ctx.pathParam("subject");
        Optional<CompatibilityLevel> own = store.compatibility(Optional.of(subject));
        if (own.isEmpty() && !RegistryExchange.flag(ctx, "defaultToGlobal")) {
            throw RegistryApiException.subjectCompatibilityNotConfigured(subject);
        }
        RegistryExchange.answer(ctx, level(own.orElseGet(store::globalCompatibility)));
    }

    /** {@code PUT /config/{subject}}. */
    void putSubject(Context ctx) {
        put(ctx, Optional.of(ctx.pathParam("subject")));
    }

    /** {@code DELETE /config/{subject}}: the subject follows the global level again; answers the level it had. */
    void deleteSubject(Context ctx) {
        String subject = ctx.pathParam("subject");
        CompatibilityLevel before = store.compatibility(Optional.of(subject))
                .orElseThrow(() -> RegistryApiException.subjectNotFound(subject));
        store.setCompatibility(Optional.of(subject), Optional.empty());
        RegistryExchange.answer(ctx, level(before));
    }

    private void put(Context ctx, Optional<String> subject) {
        JsonNode requested = RegistryExchange.body(ctx).path("compatibility");
        ObjectNode echo = Json.object();
        if (!requested.isMissingNode() && !requested.isNull()) {
            CompatibilityLevel level = (requested.isTextual() ? CompatibilityLevel.parse(requested.asText())
                    : Optional.<CompatibilityLevel>empty()).orElseThrow(RegistryApiException::invalidCompatibilityLevel);
            store.setCompatibility(subject, Optional.of(level));
            echo.put("compatibility", level.name());
        }
        RegistryExchange.answer(ctx, echo);
    }

    private static ObjectNode level(CompatibilityLevel level) {
        ObjectNode body = Json.object();
        body.put("compatibilityLevel", level.name());
        return body;
    }
}
