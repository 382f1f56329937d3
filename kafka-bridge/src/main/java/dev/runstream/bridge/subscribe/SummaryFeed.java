package dev.runstream.bridge.subscribe;

import dev.runstream.bridge.avro.RunSummaryMapper;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.SchemaRegistryClient;
import dev.runstream.bridge.serde.ConfluentAvroSerde;
import dev.runstream.core.fold.RunSummary;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every change of every run's summary, as the aggregator commits it to {@code {prefix}.run-summaries}: one consumer
 * per process (by assignment, no group, so every instance sees every change, from the end when the feed started),
 * handed to each listener on the feed's thread. A listener must not block: it queues and returns. An erased run
 * comes as {@link Change#erased()}.
 */
public final class SummaryFeed implements AutoCloseable {

    /** A run's new summary, or its erasure ({@code summary} empty). */
    public record Change(String runId, Optional<RunSummary> summary) {

        public boolean erased() {
            return summary.isEmpty();
        }
    }

    /** Gets every change from when it was added until it is removed. */
    public interface Listener {
        void changed(Change change);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SummaryFeed.class);

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private TopicTail tail;

    private SummaryFeed() {
    }

    /** Starts the feed; returns once it reads from the end of every partition of {@code {prefix}.run-summaries}. */
    public static SummaryFeed start(RunstreamConfig config, SchemaRegistryClient registry) {
        ConfluentAvroSerde<dev.runstream.avro.RunSummary> serde = new ConfluentAvroSerde<>(
                dev.runstream.avro.RunSummary.class, dev.runstream.avro.RunSummary.getClassSchema(), registry);
        SummaryFeed feed = new SummaryFeed();
        feed.tail = TopicTail.start(config, config.topics().runSummaries(), "summary feed", record -> feed.publish(
                new Change(record.key(), record.value() == null ? Optional.empty()
                        : Optional.of(RunSummaryMapper.fromRecord(serde.decode(record.value()))))));
        return feed;
    }

    public void add(Listener listener) {
        listeners.add(listener);
    }

    public void remove(Listener listener) {
        listeners.remove(listener);
    }

    /** Listeners now: what the metrics show as summary-feed readers. */
    public int listeners() {
        return listeners.size();
    }

    private void publish(Change change) {
        for (Listener listener : listeners) {
            try {
                listener.changed(change);
            } catch (RuntimeException e) {
                LOG.warn("A summary feed listener failed on run '{}'; it is removed", change.runId(), e);
                listeners.remove(listener);
            }
        }
    }

    @Override
    public void close() {
        tail.close();
    }
}
