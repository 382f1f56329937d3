package dev.runstream.bridge.subscribe;

import dev.runstream.core.stream.RunStream;

/** A live subscription to one run: its {@link RunStream}, fed from Kafka until the run ends or this is closed. */
public interface RunSubscription extends AutoCloseable {

    /** The run's stream: chunks from the start position, then live; accessors complete when the run ends. */
    RunStream stream();

    /** Stops reading; the stream ends with what it has. */
    @Override
    void close();
}
