package dev.runstream.bridge.node;

import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.config.RunLayout;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.control.CanceledRunCloser;
import dev.runstream.bridge.control.RunControl;
import dev.runstream.bridge.http.BridgeConfig;
import dev.runstream.bridge.http.BridgeServices;
import dev.runstream.bridge.http.HttpBridge;
import dev.runstream.bridge.lifecycle.RunEraser;
import dev.runstream.bridge.lifecycle.RunTopicReaper;
import dev.runstream.bridge.node.internal.AggregatedRuns;
import dev.runstream.bridge.publish.RunHistory;
import dev.runstream.bridge.publish.RunTopicCapacity;
import dev.runstream.bridge.subscribe.RunSummaryReader;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.SchemaRegistries;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.registry.SchemaRegistryStore;
import dev.runstream.bridge.subscribe.SummaryFeed;
import dev.runstream.bridge.subscribe.LiveRunFanout;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Runstream instance on a Kafka cluster, wired as {@code serve} runs it: the HTTP/SSE bridge (started first, so
 * that its port is the aggregator's {@code application.server}), the schema registry, the run aggregator, the topic
 * reaper (when run topics are deleted after use), the publisher, the live fan-out, the run eraser, run control (cancel requests, and ending canceled runs
 * whose writer is gone). Instances with
 * the same prefix and application id share the work. Closing stops everything, last started first.
 */
public final class RunstreamNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunstreamNode.class);
    /** The share of the process's open files and memory maps kept free: new runs are refused past the rest. */
    private static final double CAPACITY_HEADROOM = 0.1;

    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private HttpBridge bridge;
    private RunstreamConfig config;
    private RunAggregator aggregator;
    private KafkaRunPublisher publisher;
    private LiveRunFanout fanout;
    private RunTopicReaper reaper;
    private RunControl control;
    private String httpHost;
    private Optional<SchemaRegistryStore> servedRegistry = Optional.empty();

    private RunstreamNode() {
    }

    /**
     * Starts an instance with {@code settings} (Runstream's and the bridge's; {@code bootstrap.servers} given), its
     * HTTP bridge on {@code httpHost:httpPort} (port 0: any free one).
     */
    public static RunstreamNode start(Map<String, ?> settings, String httpHost, int httpPort) {
        RunstreamNode node = new RunstreamNode();
        try {
            node.startAll(new HashMap<>(settings), httpHost, httpPort);
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private void startAll(Map<String, Object> settings, String httpHost, int httpPort) {
        this.httpHost = httpHost;
        BridgeConfig bridgeConfig = new BridgeConfig(settings);
        bridge = started(HttpBridge.start(bridgeConfig, httpHost, httpPort));
        HostInfo advertised = bridge.advertised();
        settings.putIfAbsent("kafka.streams.application.server", advertised.host() + ":" + advertised.port());
        config = new RunstreamConfig(settings);
        SchemaRegistryClient registry = started(SchemaRegistries.fromConfig(config));
        if (registry instanceof SchemaRegistryStore store) {
            servedRegistry = Optional.of(store);
        }
        aggregator = started(new RunAggregator(config, registry).start());
        AggregatedRuns runs = new AggregatedRuns(aggregator, new RunSummaryReader(config, registry));
        publisher = started(new KafkaRunPublisher(config, registry,
                config.runTopicDeleteAfter().isPresent() || config.runLayout() == RunLayout.SHARED ? runs
                        : RunHistory.NONE,
                RunTopicCapacity.ofProcess(CAPACITY_HEADROOM), Clock.systemUTC()));
        fanout = started(new LiveRunFanout(config, registry, runs,
                config.getInt(RunstreamConfig.LIVE_FANOUT_CONSUMERS_CONFIG),
                config.getInt(RunstreamConfig.LIVE_WINDOW_CHUNKS_CONFIG),
                Duration.ofMillis(bridgeConfig.getLong(BridgeConfig.SSE_LINGER_MS_CONFIG))));
        if (config.runTopicDeleteAfter().isPresent()) {
            Admin admin = started(Admin.create(config.clientProperties("admin")));
            reaper = started(new RunTopicReaper(config, aggregator, publisher, fanout, admin, Clock.systemUTC()));
        }
        RunEraser eraser = started(new RunEraser(config, registry));
        control = started(new RunControl(config, Clock.systemUTC()));
        started(new CanceledRunCloser(control, Duration.ofMillis(config.getLong(
                RunstreamConfig.RUN_CANCEL_GRACE_MS_CONFIG)), aggregator::holds, runs, publisher, Clock.systemUTC()));
        SummaryFeed summaryFeed = started(SummaryFeed.start(config, registry));
        bridge.attach(new BridgeServices(config, publisher, fanout, aggregator, runs, eraser, control,
                servedRegistry, Optional.of(summaryFeed)));
    }

    private <T extends AutoCloseable> T started(T component) {
        running.push(component);
        return component;
    }

    public RunstreamConfig config() {
        return config;
    }

    public HttpBridge bridge() {
        return bridge;
    }

    public RunAggregator aggregator() {
        return aggregator;
    }

    public KafkaRunPublisher publisher() {
        return publisher;
    }

    public LiveRunFanout fanout() {
        return fanout;
    }

    /** Cancel requests: made here, heard from every instance. */
    public RunControl control() {
        return control;
    }

    /** The run topic reaper, when run topics are deleted after use. */
    public java.util.Optional<RunTopicReaper> reaper() {
        return java.util.Optional.ofNullable(reaper);
    }

    /**
     * The {@code schema.registry.url} of the registry this instance's records name their schemas in: its own
     * bridge's {@value HttpBridge#REGISTRY_PATH} API when it keeps the schemas (at the bridge's host, loopback when it
     * listens on every address), else the external registry's URL.
     */
    public String registryUrl() {
        if (servedRegistry.isEmpty()) {
            return config.getString(RunstreamConfig.SCHEMA_REGISTRY_URL_CONFIG);
        }
        String host = httpHost == null || httpHost.isBlank() || httpHost.equals("0.0.0.0") || httpHost.equals("::")
                ? "127.0.0.1" : httpHost;
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bridge.port()
                + HttpBridge.REGISTRY_PATH;
    }

    /** {@code http://127.0.0.1:<port><pathAndQuery>}: this instance's HTTP bridge on loopback. */
    public URI localUri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + bridge.port() + pathAndQuery);
    }

    @Override
    public void close() {
        synchronized (running) {
            while (!running.isEmpty()) {
                AutoCloseable component = running.pop();
                try {
                    component.close();
                } catch (Exception e) {
                    LOG.warn("Closing {} failed", component, e);
                }
            }
        }
    }
}
