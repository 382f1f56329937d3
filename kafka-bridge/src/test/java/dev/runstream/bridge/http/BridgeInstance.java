package dev.runstream.bridge.http;

import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.SchemaRegistries;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.subscribe.LiveRunFanout;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * One Runstream instance as {@code serve} wires it — HTTP bridge on an ephemeral loopback port, registry, aggregator,
 * publisher, fan-out — on the shared test broker. Instances with the same prefix share the work.
 */
final class BridgeInstance implements AutoCloseable {

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    final HttpBridge bridge;
    final RunstreamConfig config;
    final RunAggregator aggregator;
    final KafkaRunPublisher publisher;
    final LiveRunFanout fanout;

    BridgeInstance(EmbeddedKafkaBroker broker, String prefix, Path stateDir, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        settings.put(RunstreamConfig.PREFIX_CONFIG, prefix);
        settings.put(RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, 4);
        settings.put(BridgeConfig.ADVERTISED_HOST_CONFIG, "127.0.0.1");
        settings.put("kafka.streams.state.dir", stateDir.toString());
        settings.putAll(extra);
        BridgeConfig bridgeConfig = new BridgeConfig(settings);
        bridge = HttpBridge.start(bridgeConfig, "127.0.0.1", 0);
        parts.push(bridge);
        settings.put("kafka.streams.application.server", "127.0.0.1:" + bridge.port());
        config = new RunstreamConfig(settings);
        SchemaRegistryClient registry = SchemaRegistries.fromConfig(config);
        parts.push(registry);
        aggregator = new RunAggregator(config, registry).start();
        parts.push(aggregator);
        publisher = new KafkaRunPublisher(config, registry);
        parts.push(publisher);
        fanout = new LiveRunFanout(config, registry, bridgeConfig.getInt(BridgeConfig.FANOUT_CONSUMERS_CONFIG),
                bridgeConfig.getInt(BridgeConfig.SSE_WINDOW_CHUNKS_CONFIG), Duration.ofSeconds(5));
        parts.push(fanout);
        bridge.attach(new BridgeServices(config, publisher, fanout, aggregator));
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + bridge.port() + pathAndQuery);
    }

    @Override
    public void close() {
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
