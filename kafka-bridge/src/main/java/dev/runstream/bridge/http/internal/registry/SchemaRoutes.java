package dev.runstream.bridge.http.internal.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.registry.RegisteredSchema;
import dev.runstream.bridge.registry.SchemaNotFoundException;
import dev.runstream.bridge.registry.SchemaRegistryStore;
import dev.runstream.core.json.Json;
import io.javalin.http.Context;
import java.util.List;
import org.apache.avro.Schema;

/**
 * {@code /schemas}: a schema by its global id (what a deserializer asks for the id in a record's frame), the
 * subjects and versions that hold it, and the schema types this registry takes (Avro only). The {@code subject}
 * query parameter Confluent's clients send with an id only selects a context in Confluent's server; there is one
 * context here, so it changes nothing.
 */
final class SchemaRoutes {

    private final SchemaRegistryStore store;

    SchemaRoutes(SchemaRegistryStore store) {
        this.store = store;
    }

    /** {@code GET /schemas/ids/{id}}. */
    void byId(Context ctx) {
        ObjectNode body = Json.object();
        body.put("schema", schema(ctx).toString());
        RegistryExchange.answer(ctx, body);
    }

    /** {@code GET /schemas/ids/{id}/schema}: the schema text alone. */
    void schemaOnly(Context ctx) {
        ctx.status(200).contentType(RegistryExchange.CONTENT_TYPE).result(schema(ctx).toString());
    }

    /** {@code GET /schemas/ids/{id}/subjects}. */
    void subjects(Context ctx) {
        RegistryExchange.answer(ctx, versionsOf(ctx).stream().map(RegisteredSchema::subject).distinct().toList());
    }

    /** {@code GET /schemas/ids/{id}/versions}: {@code [{"subject", "version"}]}. */
    void versions(Context ctx) {
        RegistryExchange.answer(ctx, versionsOf(ctx).stream().map(v -> {
            ObjectNode pair = Json.object();
            pair.put("subject", v.subject());
            pair.put("version", v.version());
            return pair;
        }).toList());
    }

    /** {@code GET /schemas/types}. */
    void types(Context ctx) {
        RegistryExchange.answer(ctx, List.of("AVRO"));
    }

    private Schema schema(Context ctx) {
        int id = RegistryExchange.id(ctx.pathParam("id"));
        try {
            return store.schemaById(id);
        } catch (SchemaNotFoundException e) {
            throw RegistryApiException.schemaNotFound(id);
        }
    }

    private List<RegisteredSchema> versionsOf(Context ctx) {
        List<RegisteredSchema> versions = store.versionsOf(RegistryExchange.id(ctx.pathParam("id")));
        if (versions.isEmpty()) {
            throw RegistryApiException.schemaNotFound();
        }
        return versions;
    }
}
