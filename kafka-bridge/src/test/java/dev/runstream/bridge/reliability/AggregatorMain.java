package dev.runstream.bridge.reliability;

import dev.runstream.bridge.aggregate.RunAggregator;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.SchemaRegistries;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A run aggregator in a process of its own, for {@link AggregatorKillIT} to kill: the arguments are Runstream
 * settings ({@code key=value}); it prints {@value #READY} once Kafka Streams is running, then runs until it is
 * killed. The registry is the one kept in Kafka, so that this process and the test agree on schema ids.
 */
public final class AggregatorMain {

    static final String READY = "aggregator running";

    private AggregatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, Object> settings = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        RunstreamConfig config = new RunstreamConfig(settings);
        RunAggregator aggregator = new RunAggregator(config, SchemaRegistries.fromConfig(config)).start();
        while (aggregator.streamsState() != KafkaStreams.State.RUNNING) {
            Thread.sleep(50);
        }
        System.out.println(READY);
        System.out.flush();
        Thread.currentThread().join();
    }
}
