package dev.runstream.bridge.http;

import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.node.RunstreamNode;
import dev.runstream.bridge.subscribe.LiveRunFanout;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One Runstream instance as {@code serve} runs it ({@link RunstreamNode}), its HTTP bridge on an ephemeral loopback
 * port, on the shared test broker. Instances with the same prefix share the work.
 */
final class BridgeInstance implements AutoCloseable {

    private final RunstreamNode node;
    final RunstreamConfig config;
    final RunAggregator aggregator;
    final LiveRunFanout fanout;

    BridgeInstance(EmbeddedKafkaBroker broker, String prefix, Path stateDir, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        settings.put(RunstreamConfig.PREFIX_CONFIG, prefix);
        settings.put(RunstreamConfig.CHUNKS_TOPIC_PARTITIONS_CONFIG, 4);
        settings.put(BridgeConfig.ADVERTISED_HOST_CONFIG, "127.0.0.1");
        settings.put(BridgeConfig.SSE_LINGER_MS_CONFIG, 5000L);
        settings.put("kafka.streams.state.dir", stateDir.toString());
        settings.putAll(extra);
        node = RunstreamNode.start(settings, "127.0.0.1", 0);
        config = node.config();
        aggregator = node.aggregator();
        fanout = node.fanout();
    }

    RunstreamNode node() {
        return node;
    }

    URI uri(String pathAndQuery) {
        return node.localUri(pathAndQuery);
    }

    @Override
    public void close() {
        node.close();
    }
}
