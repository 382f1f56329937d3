package dev.runstream.bridge.cli;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.SchemaRegistries;
import dev.runstream.bridge.registry.SchemaRegistryClient;

/** The configuration and registry of one client command, closed with it. */
record KafkaClients(RunstreamConfig config, SchemaRegistryClient registry) implements AutoCloseable {

    static KafkaClients connect(ConnectionOptions options) {
        RunstreamConfig config = options.clientConfig();
        return new KafkaClients(config, SchemaRegistries.fromConfig(config));
    }

    @Override
    public void close() {
        registry.close();
    }
}
