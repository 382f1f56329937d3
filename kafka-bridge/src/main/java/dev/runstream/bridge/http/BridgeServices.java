package dev.runstream.bridge.http;

import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.subscribe.LiveRunFanout;
import java.util.Objects;

/** What the HTTP bridge serves from: the publisher (ingest), the fan-out (SSE) and the aggregator (queries). */
public record BridgeServices(RunstreamConfig config, KafkaRunPublisher publisher, LiveRunFanout fanout,
        RunAggregator aggregator) {

    public BridgeServices {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(fanout, "fanout");
        Objects.requireNonNull(aggregator, "aggregator");
    }
}
