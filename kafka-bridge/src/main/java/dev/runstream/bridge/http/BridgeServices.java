package dev.runstream.bridge.http;

import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.control.RunControl;
import dev.runstream.bridge.lifecycle.RunEraser;
import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.bridge.subscribe.LiveRunFanout;
import dev.runstream.bridge.subscribe.RunSummaryLookup;
import dev.runstream.bridge.subscribe.SummaryFeed;
import dev.runstream.bridge.registry.SchemaRegistryStore;
import java.util.Objects;
import java.util.Optional;

/**
 * What the HTTP bridge serves from: the publisher (ingest), the fan-out (SSE), the aggregator and the summaries
 * lookup (queries), the eraser (delete), run control (cancel), the summary feed (the live run list) when there is one and,
 * when Runstream keeps the schemas itself, the registry it serves over the Confluent REST API.
 */
public record BridgeServices(RunstreamConfig config, KafkaRunPublisher publisher, LiveRunFanout fanout,
        RunAggregator aggregator, RunSummaryLookup summaries, RunEraser eraser, RunControl control,
        Optional<SchemaRegistryStore> servedRegistry, Optional<SummaryFeed> summaryFeed) {

    /** Services without a registry to serve and without a summary feed. */
    public BridgeServices(RunstreamConfig config, KafkaRunPublisher publisher, LiveRunFanout fanout,
            RunAggregator aggregator, RunSummaryLookup summaries, RunEraser eraser, RunControl control) {
        this(config, publisher, fanout, aggregator, summaries, eraser, control, Optional.empty(), Optional.empty());
    }

    public BridgeServices {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(fanout, "fanout");
        Objects.requireNonNull(aggregator, "aggregator");
        Objects.requireNonNull(summaries, "summaries");
        Objects.requireNonNull(eraser, "eraser");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(servedRegistry, "servedRegistry");
        Objects.requireNonNull(summaryFeed, "summaryFeed");
    }
}
