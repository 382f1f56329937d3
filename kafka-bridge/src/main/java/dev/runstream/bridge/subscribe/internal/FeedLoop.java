package dev.runstream.bridge.subscribe.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** A Kafka consumer on a thread of its own that reads the followed runs handed to it into their {@link RunFeed}s. */
public interface FeedLoop extends AutoCloseable {

    /** Starts reading {@code feed}'s run from where its log starts. */
    void add(RunFeed feed);

    /**
     * Stops reading {@code feed}'s run, whose log is about to be deleted, and fails its followers with
     * {@link dev.runstream.bridge.subscribe.RunTopicGoneException}; completes once the consumer no longer reads it.
     */
    CompletableFuture<Void> retire(RunFeed feed);

    /** The consumer's metrics; the consumer itself is this loop's alone. */
    Map<MetricName, ? extends Metric> metrics();

    @Override
    void close();
}
