package dev.runstream.bridge.control.internal;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.subscribe.TopicTail;
import dev.runstream.bridge.wire.ControlRecord;

/**
 * Reads {@code {prefix}.run-control} ({@link TopicTail}: every partition, every instance, from its end when the feed
 * started) into {@link HeardRequests}. A record that is not a cancel request is logged and skipped.
 */
public final class ControlFeed implements AutoCloseable {

    private final TopicTail tail;

    private ControlFeed(TopicTail tail) {
        this.tail = tail;
    }

    /** Starts the feed; returns once it reads from the end of every partition. */
    public static ControlFeed start(RunstreamConfig config, String topic, HeardRequests heard) {
        return new ControlFeed(TopicTail.start(config, topic, "run-control feed",
                record -> heard.hear(record.key(), ControlRecord.cancelRequest(record.key(), record.value()))));
    }

    @Override
    public void close() {
        tail.close();
    }
}
