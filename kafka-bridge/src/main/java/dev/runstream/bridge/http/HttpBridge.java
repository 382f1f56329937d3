package dev.runstream.bridge.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.http.internal.ApiErrors;
import dev.runstream.bridge.http.internal.ApiException;
import dev.runstream.bridge.http.internal.BridgeMetrics;
import dev.runstream.bridge.http.internal.CorsHandler;
import dev.runstream.bridge.http.internal.IngestHandler;
import dev.runstream.bridge.http.internal.OwnerForwarder;
import dev.runstream.bridge.http.internal.RunControlHandlers;
import dev.runstream.bridge.http.internal.RunQueryHandlers;
import dev.runstream.bridge.http.internal.RunStreamSseHandler;
import dev.runstream.bridge.http.internal.SummaryFeedSseHandler;
import dev.runstream.bridge.http.internal.ViewerAssets;
import dev.runstream.bridge.http.internal.auth.HttpAuth;
import dev.runstream.bridge.http.internal.auth.RouteAccess;
import dev.runstream.bridge.http.internal.registry.RegistryApiException;
import dev.runstream.bridge.http.internal.registry.RegistryErrors;
import dev.runstream.bridge.http.internal.registry.RegistryRoutes;
import dev.runstream.bridge.lifecycle.ErasedRun;
import dev.runstream.core.json.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/SSE bridge (Javalin on Jetty 12, a virtual thread per request), every route under {@code /v1}:
 *
 * <ul>
 *   <li>{@code POST /v1/runs/{runId}/chunks}: ingest a Mastra chunk stream (NDJSON, JSON array, SSE, \x1E);</li>
 *   <li>{@code GET /v1/runs/{runId}/stream}: the run as SSE, {@code format=mastra} or {@code format=ui};</li>
 *   <li>{@code GET /v1/runs/{runId}}, {@code GET /v1/runs?status=&limit=}: summaries, from any instance;</li>
 *   <li>{@code DELETE /v1/runs/{runId}}: erase a run;</li>
 *   <li>{@code POST /v1/tokens}, {@code POST /v1/runs/{runId}/session}: scoped tokens and their session cookie;</li>
 *   <li>{@code GET /health} (never behind auth) and {@code GET /metrics} (Prometheus);</li>
 *   <li>{@value #REGISTRY_PATH}{@code /...}: the embedded schema registry over the Confluent Schema Registry REST API,
 *   when Runstream keeps the schemas (no external registry is configured); admin only.</li>
 * </ul>
 *
 * Each route declares who may call it ({@link RouteAccess}); a route that declares nothing is admin-only.
 *
 * <p>The server starts first ({@link #start}), so that its port is known before the aggregator is built with it as
 * {@code application.server}; until {@link #attach} gives it the services, routes answer 503.
 */
public final class HttpBridge implements AutoCloseable {

    /** The base path of the schema registry API: {@code http://host:port/registry} is a {@code schema.registry.url}. */
    public static final String REGISTRY_PATH = "/registry";
    private static final Logger LOG = LoggerFactory.getLogger(HttpBridge.class);

    private final BridgeConfig config;
    private final BridgeMetrics metrics = new BridgeMetrics();
    private final Javalin app;
    private volatile Routes routes;

    private record Routes(BridgeServices services, IngestHandler ingest, RunStreamSseHandler stream,
            RunQueryHandlers queries, RunControlHandlers control, java.util.Optional<SummaryFeedSseHandler> feed,
            java.util.Optional<RegistryRoutes> registry) {
    }

    private HttpBridge(BridgeConfig config, Javalin app) {
        this.config = config;
        this.app = app;
    }

    /** Starts serving on {@code host:port} (port 0: any free one). */
    public static HttpBridge start(BridgeConfig config, String host, int port) {
        Objects.requireNonNull(config, "config");
        HttpBridge[] bridge = new HttpBridge[1];
        HttpAuth auth = HttpAuth.of(config, Clock.systemUTC());
        ViewerAssets viewer = new ViewerAssets();
        Javalin app = Javalin.create(javalin -> {
            javalin.concurrency.useVirtualThreads = true;
            javalin.jetty.host = host;
            javalin.jetty.port = port;
            javalin.startup.showJavalinBanner = false;
            javalin.http.defaultContentType = "application/json";
            long idle = config.getLong(BridgeConfig.IDLE_TIMEOUT_MS_CONFIG);
            javalin.jetty.modifyHttpConfiguration(http -> http.setIdleTimeout(idle));
            javalin.jetty.modifyServer(server -> server.addEventListener(new org.eclipse.jetty.util.component
                    .LifeCycle.Listener() {
                @Override
                public void lifeCycleStarting(org.eclipse.jetty.util.component.LifeCycle event) {
                    for (var connector : server.getConnectors()) {
                        if (connector instanceof org.eclipse.jetty.server.AbstractConnector network) {
                            network.setIdleTimeout(idle);
                        }
                    }
                }
            }));
            if (!config.corsAllowedOrigins().isEmpty()) {
                javalin.routes.before(new CorsHandler(config.corsAllowedOrigins()));
            }
            auth.guard().ifPresent(guard -> javalin.routes.beforeMatched(guard));
            javalin.routes.post("/v1/runs/{runId}/chunks", ctx -> bridge[0].routes().ingest().handle(ctx),
                    RouteAccess.RUN_WRITE);
            javalin.routes.get("/v1/runs/{runId}/stream", ctx -> bridge[0].routes().stream().handle(ctx),
                    RouteAccess.RUN_READ);
            javalin.routes.get("/v1/runs/{runId}", ctx -> bridge[0].routes().queries().summary(ctx),
                    RouteAccess.RUN_READ);
            javalin.routes.post("/v1/runs/{runId}/cancel", ctx -> bridge[0].routes().control().cancel(ctx),
                    RouteAccess.RUN_CANCEL);
            javalin.routes.get("/v1/runs/{runId}/control", ctx -> bridge[0].routes().control().poll(ctx),
                    RouteAccess.RUN_WRITE);
            javalin.routes.get("/v1/runs", ctx -> bridge[0].routes().queries().list(ctx), RouteAccess.ADMIN);
            javalin.routes.get("/v1/run-summaries/stream", ctx -> bridge[0].summaryFeed().handle(ctx),
                    RouteAccess.ADMIN);
            javalin.routes.delete("/v1/runs/{runId}", ctx -> bridge[0].delete(ctx), RouteAccess.ADMIN);
            javalin.routes.post("/v1/tokens", auth.tokens()::mint, RouteAccess.ADMIN);
            javalin.routes.post("/v1/runs/{runId}/session", auth.tokens()::session, RouteAccess.RUN_SESSION);
            javalin.routes.get("/health", ctx -> bridge[0].health(ctx), RouteAccess.OPEN);
            javalin.routes.get("/", viewer::page, RouteAccess.OPEN);
            javalin.routes.get("/runs/{runId}", viewer::page, RouteAccess.OPEN);
            javalin.routes.get("/ui/{file}", viewer::file, RouteAccess.OPEN);
            javalin.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(bridge[0].metrics.scrape()), RouteAccess.ADMIN);
            // Routes that declare no access, as the registry's, are admin only.
            RegistryRoutes.mount(javalin.routes, REGISTRY_PATH, () -> bridge[0].registryRoutes());
            javalin.routes.exception(Exception.class, (failure, ctx) -> {
                if (RegistryRoutes.owns(ctx, REGISTRY_PATH)) {
                    RegistryErrors.answer(failure, ctx);
                } else {
                    ApiErrors.answer(failure, ctx);
                }
            });
            javalin.routes.error(404, ctx -> {
                if (ctx.attribute(ApiErrors.ANSWERED) != null) {
                    return;
                }
                if (RegistryRoutes.owns(ctx, REGISTRY_PATH)) {
                    RegistryErrors.write(ctx, 404, 404, "HTTP 404 Not Found");
                } else {
                    ApiErrors.write(ctx, 404, "not_found", "no route " + ctx.method() + " " + ctx.path(), null);
                }
            });
            javalin.routes.error(405, ctx -> {
                if (RegistryRoutes.owns(ctx, REGISTRY_PATH)) {
                    RegistryErrors.write(ctx, 405, 405, "HTTP 405 Method Not Allowed");
                } else {
                    ApiErrors.write(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path(),
                            null);
                }
            });
        });
        bridge[0] = new HttpBridge(config, app);
        app.start();
        LOG.info("HTTP bridge listening on {}:{} (auth: {}, CORS origins: {})", host, app.port(), auth.describe(),
                config.corsAllowedOrigins().isEmpty() ? "none" : config.corsAllowedOrigins());
        return bridge[0];
    }

    /** The port the bridge listens on. */
    public int port() {
        return app.port();
    }

    /** The host and port other instances reach this one at: its {@code application.server}. */
    public HostInfo advertised() {
        return new HostInfo(config.advertisedHost(), port());
    }

    /** Serves from {@code services} from now on. */
    public HttpBridge attach(BridgeServices services) {
        RunstreamConfig runstream = services.config();
        OwnerForwarder forwarder = new OwnerForwarder(Duration.ofMillis(
                config.getLong(BridgeConfig.FORWARD_TIMEOUT_MS_CONFIG)));
        RunControlHandlers control = new RunControlHandlers(services.control(), services.summaries(),
                services.aggregator(), forwarder, advertised(),
                runstream.getLong(RunstreamConfig.RUN_CANCEL_GRACE_MS_CONFIG));
        routes = new Routes(services,
                new IngestHandler(services.publisher(), config.getInt(BridgeConfig.INGEST_MAX_CHUNK_BYTES_CONFIG),
                        metrics, control),
                new RunStreamSseHandler(services.fanout(), metrics,
                        Duration.ofMillis(config.getLong(BridgeConfig.SSE_HEARTBEAT_INTERVAL_MS_CONFIG)),
                        Duration.ofMillis(config.getLong(BridgeConfig.SSE_HISTORY_TIMEOUT_MS_CONFIG)),
                        runstream.getLong(RunstreamConfig.LIVE_ERROR_GRACE_MS_CONFIG)),
                new RunQueryHandlers(services.aggregator(), forwarder, advertised()),
                control,
                services.summaryFeed().map(feed -> new SummaryFeedSseHandler(feed,
                        Duration.ofMillis(config.getLong(BridgeConfig.SSE_HEARTBEAT_INTERVAL_MS_CONFIG)))),
                services.servedRegistry().map(RegistryRoutes::new));
        metrics.gauge("runstream.sse.readers", "Open SSE readers (run followers)", services.fanout(),
                fanout -> fanout.followers());
        metrics.gauge("runstream.sse.followed.runs", "Runs read for SSE readers now", services.fanout(),
                fanout -> fanout.followedRuns());
        metrics.kafkaClient("publisher", services.publisher()::metrics);
        metrics.kafkaClient("aggregator", services.aggregator()::metrics);
        for (int i = 0; i < services.fanout().consumerMetrics().size(); i++) {
            int index = i;
            metrics.kafkaClient("fanout", () -> services.fanout().consumerMetrics().get(index));
        }
        return this;
    }

    private Routes routes() {
        Routes current = routes;
        if (current == null) {
            throw new ApiException(503, "starting", "Runstream is starting; retry in a moment");
        }
        return current;
    }

    private SummaryFeedSseHandler summaryFeed() {
        return routes().feed().orElseThrow(() -> new ApiException(404, "not_found", "this Runstream serves no "
                + "summary feed"));
    }

    private RegistryRoutes registryRoutes() {
        return routes().registry().orElseThrow(() -> new RegistryApiException(404, 404, "This Runstream serves no "
                + "schema registry API: it uses the external registry of its schema.registry.url setting"));
    }

    /**
     * {@code DELETE /v1/runs/{runId}}: erases the run (see {@code RunEraser}): its summary and its persisted chunks
     * are tombstoned by the aggregator, then its topic is emptied (pattern source) or deleted (ingest source).
     */
    private void delete(Context ctx) {
        BridgeServices services = routes().services();
        String runId = dev.runstream.core.RunIds.requireValid(ctx.pathParam("runId"));
        ErasedRun erased = services.eraser().erase(runId,
                Duration.ofMillis(config.getLong(BridgeConfig.DELETE_TIMEOUT_MS_CONFIG)));
        services.publisher().forget(runId);
        if (!erased.existed()) {
            throw new ApiException(404, "run_not_found", "run '" + runId + "' has neither chunks nor a summary");
        }
        ObjectNode body = Json.object();
        body.put("runId", runId);
        body.put("deleted", true);
        body.put("runTopic", erased.runTopic());
        body.put("chunkTombstones", erased.chunkTombstones());
        body.put("summaryRemoved", erased.summaryRemoved());
        ctx.status(200).contentType("application/json").result(Json.write(body));
    }

    private void health(Context ctx) {
        Routes current = routes;
        ObjectNode body = Json.object();
        boolean up = false;
        if (current == null) {
            body.put("status", "STARTING");
        } else {
            RunAggregator aggregator = current.services().aggregator();
            KafkaStreams.State streams = aggregator.streamsState();
            up = aggregator.state() == RunAggregator.State.RUNNING
                    && (streams == KafkaStreams.State.RUNNING || streams == KafkaStreams.State.REBALANCING);
            body.put("status", up ? "UP" : "DOWN");
            body.put("aggregator", streams.name());
            body.put("sseReaders", current.services().fanout().followers());
        }
        ctx.status(up ? 200 : 503).contentType("application/json").result(Json.write(body));
    }


    @Override
    public void close() {
        app.stop();
        LOG.info("HTTP bridge stopped");
    }
}
