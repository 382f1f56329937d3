package dev.runstream.bridge.http.internal.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.registry.RegisteredSchema;
import dev.runstream.bridge.registry.SchemaRegistryStore;
import dev.runstream.core.json.Json;
import io.javalin.http.Context;
import java.util.List;
import java.util.OptionalInt;
import org.apache.avro.Schema;

/**
 * {@code /subjects}: the subjects, their versions, registering a schema under a subject and looking one up.
 * Versions are never deleted: records in run topics and in the compacted changelog name them by id for ever.
 */
final class SubjectRoutes {

    private final SchemaRegistryStore store;

    SubjectRoutes(SchemaRegistryStore store) {
        this.store = store;
    }

    /** {@code GET /subjects}. */
    void list(Context ctx) {
        RegistryExchange.answer(ctx, store.subjects());
    }

    /** {@code GET /subjects/{subject}/versions}. */
    void versions(Context ctx) {
        String subject = ctx.pathParam("subject");
        RegistryExchange.answer(ctx, existingVersions(subject).stream().map(RegisteredSchema::version).toList());
    }

    /** {@code GET /subjects/{subject}/versions/{version}}. */
    void version(Context ctx) {
        RegistryExchange.answer(ctx, describe(version(ctx.pathParam("subject"), ctx.pathParam("version"))));
    }

    /** {@code GET /subjects/{subject}/versions/{version}/schema}: the schema text alone. */
    void versionSchema(Context ctx) {
        RegisteredSchema registered = version(ctx.pathParam("subject"), ctx.pathParam("version"));
        ctx.status(200).contentType(RegistryExchange.CONTENT_TYPE).result(registered.schema().toString());
    }

    /** {@code POST /subjects/{subject}/versions}: registers the schema (if new to the subject); answers its id. */
    void register(Context ctx) {
        String subject = ctx.pathParam("subject");
        Schema schema = RegistryExchange.schema(RegistryExchange.body(ctx));
        ObjectNode body = Json.object();
        body.put("id", store.register(subject, schema));
        RegistryExchange.answer(ctx, body);
    }

    /** {@code POST /subjects/{subject}}: the version of the subject that holds the schema. */
    void lookup(Context ctx) {
        String subject = ctx.pathParam("subject");
        Schema schema = RegistryExchange.schema(RegistryExchange.body(ctx));
        RegisteredSchema found = store.lookup(subject, schema).orElseThrow(() -> store.versions(subject).isEmpty()
                ? RegistryApiException.subjectNotFound(subject) : RegistryApiException.schemaNotFound());
        RegistryExchange.answer(ctx, describe(found));
    }

    /** {@code DELETE /subjects/{subject}[/versions/{version}]}: refused, see the class comment. */
    void delete(Context ctx) {
        throw RegistryApiException.operationNotPermitted("Runstream's registry keeps every version: records in run "
                + "topics and in the compacted changelog name their writer schema by id, for as long as they exist");
    }

    private List<RegisteredSchema> existingVersions(String subject) {
        List<RegisteredSchema> versions = store.versions(subject);
        if (versions.isEmpty()) {
            throw RegistryApiException.subjectNotFound(subject);
        }
        return versions;
    }

    private RegisteredSchema version(String subject, String versionText) {
        OptionalInt version = RegistryExchange.version(versionText);
        List<RegisteredSchema> versions = existingVersions(subject);
        if (version.isEmpty()) {
            return versions.getLast();
        }
        if (version.getAsInt() > versions.size()) {
            throw RegistryApiException.versionNotFound(version.getAsInt());
        }
        return versions.get(version.getAsInt() - 1);
    }

    /** Confluent's shape of one version ({@code schemaType} left out, as it is for Avro). */
    static ObjectNode describe(RegisteredSchema registered) {
        ObjectNode body = Json.object();
        body.put("subject", registered.subject());
        body.put("version", registered.version());
        body.put("id", registered.id());
        body.put("schema", registered.schema().toString());
        return body;
    }
}
