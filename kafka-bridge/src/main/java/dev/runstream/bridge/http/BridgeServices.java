package dev.runstream.bridge.http;

import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.lifecycle.RunEraser;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.subscribe.LiveRunFanout;
import dev.runstream.bridge.registry.SchemaRegistryStore;
import java.util.Objects;
import java.util.Optional;

/**
 * What the HTTP bridge serves from: the publisher (ingest), the fan-out (SSE), the aggregator (queries), the
 * eraser (delete) and, when Runstream keeps the schemas itself, the registry it serves over the Confluent REST API.
 */
public record BridgeServices(RunstreamConfig config, KafkaRunPublisher publisher, LiveRunFanout fanout,
        RunAggregator aggregator, RunEraser eraser, Optional<SchemaRegistryStore> servedRegistry) {

    /** Services without a registry to serve. */
    public BridgeServices(RunstreamConfig config, KafkaRunPublisher publisher, LiveRunFanout fanout,
            RunAggregator aggregator, RunEraser eraser) {
        this(config, publisher, fanout, aggregator, eraser, Optional.empty());
    }

    public BridgeServices {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(fanout, "fanout");
        Objects.requireNonNull(aggregator, "aggregator");
        Objects.requireNonNull(eraser, "eraser");
        Objects.requireNonNull(servedRegistry, "servedRegistry");
    }
}
