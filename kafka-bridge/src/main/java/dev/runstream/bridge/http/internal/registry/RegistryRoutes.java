package dev.runstream.bridge.http.internal.registry;

import dev.runstream.bridge.registry.SchemaRegistryStore;
import dev.runstream.core.json.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Confluent Schema Registry REST API over a {@link SchemaRegistryStore}, under a base path: the subset that
 * serializers, deserializers and tools call (schemas by id, subjects and versions, register, lookup, compatibility,
 * config). Confluent's clients take a base URL and append {@code /schemas/...}, so {@code http://host:port<base>}
 * is a {@code schema.registry.url}. Errors have Confluent's shape ({@link RegistryErrors}).
 */
public final class RegistryRoutes {

    private final SubjectRoutes subjects;
    private final SchemaRoutes schemas;
    private final CompatibilityRoutes compatibility;
    private final ConfigRoutes config;

    public RegistryRoutes(SchemaRegistryStore store) {
        this.subjects = new SubjectRoutes(store);
        this.schemas = new SchemaRoutes(store);
        this.compatibility = new CompatibilityRoutes(store);
        this.config = new ConfigRoutes(store);
    }

    /** Whether {@code ctx} is a request to the API under {@code base}. */
    public static boolean owns(Context ctx, String base) {
        String path = ctx.path();
        return path.equals(base) || path.startsWith(base + "/");
    }

    /**
     * Registers every route under {@code base}; each request is answered by the routes {@code current} gives then
     * (it throws while there are none).
     */
    public static void mount(RoutesConfig routes, String base, Supplier<RegistryRoutes> current) {
        routes.get(base, ctx -> RegistryExchange.answer(ctx, Json.object()));
        routes.get(base + "/schemas/types", on(current, r -> r.schemas::types));
        routes.get(base + "/schemas/ids/{id}", on(current, r -> r.schemas::byId));
        routes.get(base + "/schemas/ids/{id}/schema", on(current, r -> r.schemas::schemaOnly));
        routes.get(base + "/schemas/ids/{id}/subjects", on(current, r -> r.schemas::subjects));
        routes.get(base + "/schemas/ids/{id}/versions", on(current, r -> r.schemas::versions));
        routes.get(base + "/subjects", on(current, r -> r.subjects::list));
        routes.post(base + "/subjects/{subject}", on(current, r -> r.subjects::lookup));
        routes.delete(base + "/subjects/{subject}", on(current, r -> r.subjects::delete));
        routes.get(base + "/subjects/{subject}/versions", on(current, r -> r.subjects::versions));
        routes.post(base + "/subjects/{subject}/versions", on(current, r -> r.subjects::register));
        routes.get(base + "/subjects/{subject}/versions/{version}", on(current, r -> r.subjects::version));
        routes.delete(base + "/subjects/{subject}/versions/{version}", on(current, r -> r.subjects::delete));
        routes.get(base + "/subjects/{subject}/versions/{version}/schema", on(current, r -> r.subjects::versionSchema));
        routes.post(base + "/compatibility/subjects/{subject}/versions",
                on(current, r -> r.compatibility::againstAll));
        routes.post(base + "/compatibility/subjects/{subject}/versions/{version}",
                on(current, r -> r.compatibility::againstVersion));
        routes.get(base + "/config", on(current, r -> r.config::getGlobal));
        routes.put(base + "/config", on(current, r -> r.config::putGlobal));
        routes.delete(base + "/config", on(current, r -> r.config::deleteGlobal));
        routes.get(base + "/config/{subject}", on(current, r -> r.config::getSubject));
        routes.put(base + "/config/{subject}", on(current, r -> r.config::putSubject));
        routes.delete(base + "/config/{subject}", on(current, r -> r.config::deleteSubject));
    }

    private interface Route {
        Consumer<Context> of(RegistryRoutes routes);
    }

    private static Handler on(Supplier<RegistryRoutes> current, Route route) {
        return ctx -> route.of(current.get()).accept(ctx);
    }
}
