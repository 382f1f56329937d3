package dev.runstream.benchmarks.sse;

import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.http.BridgeConfig;
import dev.runstream.bridge.http.BridgeServices;
import dev.runstream.bridge.lifecycle.RunEraser;
import dev.runstream.bridge.http.HttpBridge;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.registry.KafkaTopicSchemaRegistry;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.subscribe.LiveRunFanout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP/SSE bridge alone in a JVM of its own (started with the heap under test, e.g. {@code -Xmx1g}), on the
 * benchmark's broker: the bridge, its live fan-out and publisher built as {@code serve} builds them, the aggregator
 * built but not started (SSE does not use it), so that this process's heap and CPU are the SSE path's.
 *
 * <p>Arguments: bootstrap servers, topic prefix, schema registry topic. Prints {@code READY <port>}, then answers
 * {@code MEASURE} on standard input with {@code MEASURE heapAfterGc=<bytes> cpuNanos=<n> cpuAfterNanos=<n>
 * followers=<n> threads=<n>} (process CPU time before and after the full GC it makes), {@code CPU} with
 * {@code CPU <nanos>}, and ends on {@code QUIT}.
 */
public final class SseBridgeProcess {

    private SseBridgeProcess() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, Object> settings = new HashMap<>();
        settings.put(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        settings.put(RunstreamConfig.PREFIX_CONFIG, args[1]);
        settings.put("kafka.streams.state.dir", Files.createTempDirectory("runstream-bench-sse-").toString());
        RunstreamConfig config = new RunstreamConfig(settings);
        BridgeConfig bridgeConfig = new BridgeConfig(settings);
        SchemaRegistryClient registry = KafkaTopicSchemaRegistry.builder(args[0]).topic(args[2]).build();
        HttpBridge bridge = HttpBridge.start(bridgeConfig, "127.0.0.1", 0);
        KafkaRunPublisher publisher = new KafkaRunPublisher(config, registry);
        LiveRunFanout fanout = new LiveRunFanout(config, registry,
                new dev.runstream.bridge.subscribe.RunSummaryReader(config, registry)::summary,
                config.getInt(RunstreamConfig.LIVE_FANOUT_CONSUMERS_CONFIG),
                config.getInt(RunstreamConfig.LIVE_WINDOW_CHUNKS_CONFIG),
                Duration.ofMillis(bridgeConfig.getLong(BridgeConfig.SSE_LINGER_MS_CONFIG)));
        RunAggregator aggregator = new RunAggregator(config, registry);
        RunEraser eraser = new RunEraser(config, registry);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                config.clientProperties("admin"))) {
            dev.runstream.bridge.aggregate.RunAggregationTopology.createTopics(admin, config);
        }
        dev.runstream.bridge.control.RunControl control = new dev.runstream.bridge.control.RunControl(config,
                java.time.Clock.systemUTC());
        bridge.attach(new BridgeServices(config, publisher, fanout, aggregator,
                new dev.runstream.bridge.subscribe.RunSummaryReader(config, registry)::summary, eraser, control));
        System.out.println("READY " + bridge.port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("QUIT")) {
            if (line.equals("MEASURE")) {
                System.out.println(measure(fanout));
                System.out.flush();
            } else if (line.equals("CPU")) {
                System.out.println("CPU " + cpuNanos());
                System.out.flush();
            }
        }
        bridge.close();
        fanout.close();
        publisher.close();
        aggregator.close();
        eraser.close();
        registry.close();
        System.exit(0);
    }

    /** Heap after a full GC; CPU time read before that GC, so that a CPU interval between two measures excludes it. */
    private static String measure(LiveRunFanout fanout) {
        long cpu = cpuNanos();
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return String.format(Locale.ROOT, "MEASURE heapAfterGc=%d cpuNanos=%d cpuAfterNanos=%d followers=%d "
                + "threads=%d", heap, cpu, cpuNanos(), fanout.followers(),
                ManagementFactory.getThreadMXBean().getThreadCount());
    }

    private static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }
}
