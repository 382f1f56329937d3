package dev.runstream.bridge.cli;

import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.node.RunstreamNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code serve}: the main job. Starts the embedded KRaft broker when no Kafka is given (data under
 * {@code <data-dir>/kafka}, kept across restarts), the HTTP/SSE bridge, the schema registry, the publisher, the
 * live fan-out and the run aggregator, writes {@code <data-dir>/connection.properties}, and runs until stopped
 * (Ctrl-C, SIGTERM).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run Runstream: embedded Kafka (unless --bootstrap-servers), HTTP/SSE bridge, aggregator.")
final class ServeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
            description = "Port of the embedded broker (0: any free port). Default: ${DEFAULT-VALUE}")
    private int kafkaPort;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the HTTP/SSE bridge. 0: any free port. Default: ${DEFAULT-VALUE}")
    private int httpPort;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address the HTTP/SSE bridge listens on. Default: ${DEFAULT-VALUE}")
    private String httpHost;

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Deque<AutoCloseable> running = new ArrayDeque<>();
        Thread hook = new Thread(() -> stop(running), "runstream-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Map<String, Object> settings = new HashMap<>(connection.flagSettings());
            if (connection.bootstrapServers == null) {
                Files.createDirectories(connection.dataDir);
                EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(connection.dataDir.resolve("kafka"))
                        .port(kafkaPort).build().start();
                running.push(broker);
                settings.put(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
                out.printf("Embedded Kafka broker started in %d ms (data in %s)%n",
                        broker.startupTime().toMillis(), connection.dataDir.resolve("kafka").toAbsolutePath());
            }
            settings.putIfAbsent("kafka.streams.state.dir", connection.dataDir.resolve("streams").toString());
            RunstreamNode node = RunstreamNode.start(settings, httpHost, httpPort);
            running.push(node);
            RunstreamConfig config = node.config();
            ConnectionOptions.writeConnectionFile(connection.dataDir, config, node.registryUrl());
            out.printf("Kafka bootstrap servers: %s%n", config.getString(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG));
            out.printf("HTTP: http://127.0.0.1:%d/health (runs under /v1/runs)%n", node.bridge().port());
            out.printf("Schema registry: %s (%s)%n", node.registryUrl(),
                    config.getString(RunstreamConfig.SCHEMA_REGISTRY_URL_CONFIG).isBlank()
                            ? "Runstream's own, kept in " + config.topics().schemas() : "external");
            out.printf("Connection written to %s%n",
                    connection.dataDir.resolve(ConnectionOptions.CONNECTION_FILE).toAbsolutePath());
            out.flush();
            stopped.await();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("Stopping.");
            return 0;
        } finally {
            stop(running);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }

    private static void stop(Deque<AutoCloseable> running) {
        synchronized (running) {
            while (!running.isEmpty()) {
                AutoCloseable component = running.pop();
                try {
                    component.close();
                } catch (Exception e) {
                    System.err.println("runstream: closing " + component + " failed: " + e);
                }
            }
        }
    }
}
