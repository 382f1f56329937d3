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
 * {@code /compatibility/subjects/{subject}/versions[/{version}]}: whether a schema may follow one version (the
 * latest, or a given one) or all of a subject's versions, by the subject's compatibility level, as Confluent's
 * server decides it: {@code {"is_compatible"}}, with the reasons under {@code messages} when {@code verbose=true}.
 * A subject without versions accepts any schema against {@code latest}.
 */
final class CompatibilityRoutes {

    private final SchemaRegistryStore store;

    CompatibilityRoutes(SchemaRegistryStore store) {
        this.store = store;
    }

    /** {@code POST /compatibility/subjects/{subject}/versions/{version}}. */
    void againstVersion(Context ctx) {
        String subject = ctx.pathParam("subject");
        OptionalInt version = RegistryExchange.version(ctx.pathParam("version"));
        List<RegisteredSchema> versions = store.versions(subject);
        List<Schema> against;
        if (version.isEmpty()) {
            against = versions.isEmpty() ? List.of() : List.of(versions.getLast().schema());
        } else if (version.getAsInt() > versions.size()) {
            throw RegistryApiException.versionNotFound(version.getAsInt());
        } else {
            against = List.of(versions.get(version.getAsInt() - 1).schema());
        }
        check(ctx, subject, against);
    }

    /** {@code POST /compatibility/subjects/{subject}/versions}: against every version, by the subject's level. */
    void againstAll(Context ctx) {
        String subject = ctx.pathParam("subject");
        check(ctx, subject, store.versions(subject).stream().map(RegisteredSchema::schema).toList());
    }

    private void check(Context ctx, String subject, List<Schema> against) {
        boolean verbose = RegistryExchange.flag(ctx, "verbose");
        List<String> messages;
        try {
            Schema candidate = RegistryExchange.schema(RegistryExchange.body(ctx));
            messages = store.violations(subject, candidate, against);
        } catch (RegistryApiException invalid) {
            if (!verbose || invalid.errorCode() != 42201) {
                throw invalid;
            }
            messages = List.of(invalid.getMessage());
        }
        ObjectNode body = Json.object();
        body.put("is_compatible", messages.isEmpty());
        if (verbose) {
            messages.forEach(body.putArray("messages")::add);
        }
        RegistryExchange.answer(ctx, body);
    }
}
