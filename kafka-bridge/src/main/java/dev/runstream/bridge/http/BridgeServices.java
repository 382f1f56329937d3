package dev.runstream.bridge.http;

import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.lifecycle.RunEraser;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.subscribe.LiveRunFanout;
import java.util.Objects;

/**
 * What the HTTP bridge serves from: the publisher (ingest), the fan-out (SSE), the aggregator (queries) and the
 * eraser (delete).
 */
public record BridgeServices(RunstreamConfig config, KafkaRunPublisher publisher, LiveRunFanout fanout,
        RunAggregator aggregator, RunEraser eraser) {

    public BridgeServices {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(fanout, "fanout");
        Objects.requireNonNull(aggregator, "aggregator");
        Objects.requireNonNull(eraser, "eraser");
    }
}
