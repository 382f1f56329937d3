package dev.runstream.bridge.publish.internal;

import dev.runstream.bridge.publish.PublishedChunk;
import dev.runstream.core.chunk.Chunk;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A chunk a writer handed to the publisher, waiting for Kafka. {@code expectedSequence} is the position the writer
 * says the chunk has in its run, or {@link #ANY_SEQUENCE} when the writer leaves numbering to the publisher.
 */
public record PendingChunk(String runId, Chunk chunk, Instant timestamp, long expectedSequence,
        CompletableFuture<PublishedChunk> result) {

    public static final long ANY_SEQUENCE = -1;
}
