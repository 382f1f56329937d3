package dev.runstream.benchmarks.kafka;

import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.config.SourceMode;
import dev.runstream.bridge.wire.RunTopics;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The aggregator's raw-Kafka anchor: a Kafka Streams application with the aggregator's own Streams settings
 * ({@code RunAggregator.streamsProperties}: processing guarantee, commit interval, metadata age, group protocol) that reads the
 * same source — every run topic by pattern, or the ingest topic — and copies each record, bytes and headers
 * unchanged, to one output topic. No decoding, no filter, no state.
 */
final class PassThroughApp implements AutoCloseable {

    private final KafkaStreams streams;

    PassThroughApp(RunstreamConfig config, String output) {
        Properties props = RunAggregator.streamsProperties(config);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.topics().prefix() + "-passthrough");
        this.streams = new KafkaStreams(topology(config, output), new StreamsConfig(props));
    }

    static Topology topology(RunstreamConfig config, String output) {
        RunTopics topics = config.topics();
        StreamsBuilder builder = new StreamsBuilder();
        Consumed<String, byte[]> raw = Consumed.with(Serdes.String(), Serdes.ByteArray());
        var source = config.sourceMode() == SourceMode.PATTERN
                ? builder.stream(topics.runTopicPattern(), raw)
                : builder.stream(topics.ingest(), raw);
        source.to(output, Produced.with(Serdes.String(), Serdes.ByteArray()));
        return builder.build();
    }

    PassThroughApp start() {
        streams.start();
        return this;
    }

    KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
