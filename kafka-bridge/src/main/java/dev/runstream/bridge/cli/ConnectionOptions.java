package dev.runstream.bridge.cli;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.core.RunstreamException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The connection options every Kafka command takes. Given no {@code --bootstrap-servers}, a command other than
 * {@code serve} connects to what {@code serve} wrote to {@code <data-dir>/connection.properties}, so a second
 * terminal just works.
 */
final class ConnectionOptions {

    static final String CONNECTION_FILE = "connection.properties";

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".runstream",
            description = "Data directory (embedded broker, state, connection file). Default: ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka to use.")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "Confluent-compatible schema registry; default: the registry kept in Kafka.")
    String schemaRegistryUrl;

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "Topic prefix. Default: runstream")
    String prefix;

    @Option(names = "--config", paramLabel = "KEY=VALUE",
            description = "Any Runstream setting, e.g. source.mode=ingest or kafka.security.protocol=SSL.")
    Map<String, String> settings = new HashMap<>();

    /** The settings of the flags alone (for {@code serve}, which may start the embedded broker). */
    Map<String, Object> flagSettings() {
        Map<String, Object> map = new HashMap<>(settings);
        if (bootstrapServers != null) {
            map.put(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        if (schemaRegistryUrl != null) {
            map.put(RunstreamConfig.SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl);
        }
        if (prefix != null) {
            map.put(RunstreamConfig.PREFIX_CONFIG, prefix);
        }
        return map;
    }

    /** The configuration of a client command: the flags, else the connection file of a running {@code serve}. */
    RunstreamConfig clientConfig() {
        Map<String, Object> map = new HashMap<>();
        if (bootstrapServers == null) {
            Path file = dataDir.resolve(CONNECTION_FILE);
            if (!Files.isReadable(file)) {
                throw new RunstreamException("no Kafka given and no " + file + ": start 'runstream serve' (with the "
                        + "same --data-dir) or give --bootstrap-servers");
            }
            Properties saved = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                saved.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            saved.forEach((key, value) -> map.put((String) key, value));
        }
        map.putAll(flagSettings());
        return new RunstreamConfig(map);
    }

    /**
     * Writes how to reach this {@code serve} for the other commands and for any Kafka tool: its bootstrap servers,
     * prefix, {@code registryUrl} (serve's own registry API, or the external registry), and where runs are written
     * (run layout and source mode), so that a {@code publish} writes where {@code serve} reads.
     */
    static void writeConnectionFile(Path dataDir, RunstreamConfig config, String registryUrl) throws IOException {
        Properties props = new Properties();
        props.setProperty(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.getString(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG));
        props.setProperty(RunstreamConfig.PREFIX_CONFIG, config.getString(RunstreamConfig.PREFIX_CONFIG));
        props.setProperty(RunstreamConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        props.setProperty(RunstreamConfig.RUN_LAYOUT_CONFIG, config.runLayout().setting());
        props.setProperty(RunstreamConfig.SOURCE_MODE_CONFIG, config.sourceMode().setting());
        Files.createDirectories(dataDir);
        Path temp = dataDir.resolve(CONNECTION_FILE + ".tmp");
        try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            props.store(writer, "Written by 'runstream serve': how the other commands reach it");
        }
        Files.move(temp, dataDir.resolve(CONNECTION_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
