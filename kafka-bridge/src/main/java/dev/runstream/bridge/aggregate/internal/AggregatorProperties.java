package dev.runstream.bridge.aggregate.internal;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.config.SourceMode;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams properties of the aggregator, built from Runstream's settings, then
 * {@code kafka.*} and {@code kafka.streams.*} passed through (the more specific wins, so an operator can override
 * any of them, e.g. {@code kafka.streams.state.dir} or {@code kafka.streams.application.server}).
 */
public final class AggregatorProperties {

    /** KIP-1071's {@code streams} group protocol rejects pattern subscriptions: the pattern source needs this one. */
    static final String CLASSIC_GROUP_PROTOCOL = "classic";

    private AggregatorProperties() {
    }

    /**
     * @throws ConfigException when a passed-through setting contradicts the source mode
     */
    public static Properties of(RunstreamConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                config.getString(RunstreamConfig.PROCESSING_GUARANTEE_CONFIG));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                config.getLong(RunstreamConfig.AGGREGATOR_COMMIT_INTERVAL_MS_CONFIG));
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG),
                config.getLong(RunstreamConfig.AGGREGATOR_METADATA_MAX_AGE_MS_CONFIG));
        props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, CLASSIC_GROUP_PROTOCOL);
        // Kafka 5.0's default, opted in to now so that Streams does not warn on every start (no global store here).
        // The key is spelled out: its constant is already deprecated, as it goes away when the default changes.
        props.put("processing.exception.handler.global.enabled", true);
        // The partition assignor builds a StreamsConfig of its own from the main consumer's settings.
        props.put(StreamsConfig.mainConsumerPrefix("processing.exception.handler.global.enabled"), true);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG,
                (int) config.getShort(RunstreamConfig.SHARED_TOPIC_REPLICATION_FACTOR_CONFIG));
        props.putAll(config.clientProperties("streams"));

        boolean pattern = config.sourceMode() == SourceMode.PATTERN;
        Object protocol = props.get(StreamsConfig.GROUP_PROTOCOL_CONFIG);
        if (pattern && !CLASSIC_GROUP_PROTOCOL.equalsIgnoreCase(String.valueOf(protocol))) {
            throw new ConfigException("kafka.streams." + StreamsConfig.GROUP_PROTOCOL_CONFIG, protocol,
                    "source.mode=pattern subscribes to a pattern of run topics, which only the classic group "
                            + "protocol allows; use 'classic' or source.mode=ingest");
        }
        return props;
    }
}
