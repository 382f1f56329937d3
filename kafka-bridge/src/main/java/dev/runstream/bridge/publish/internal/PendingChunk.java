package dev.runstream.bridge.publish.internal;

import dev.runstream.core.chunk.Chunk;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A chunk a writer handed to the publisher, waiting for Kafka; or, without a chunk, a writer's request to resume its
 * run after a failure, served in queue order. {@code expectedSequence} is the position the writer says the chunk has
 * in its run, or {@link #ANY_SEQUENCE} when the writer leaves numbering to the publisher; {@code duplicate} is set
 * when that position was already stored, and nothing was written.
 */
public record PendingChunk(String runId, Chunk chunk, Instant timestamp, long expectedSequence,
        AtomicBoolean duplicate, CompletableFuture<Long> result) {

    public static final long ANY_SEQUENCE = -1;

    public PendingChunk(String runId, Chunk chunk, Instant timestamp, long expectedSequence) {
        this(runId, chunk, timestamp, expectedSequence, new AtomicBoolean(), new CompletableFuture<>());
    }

    /** A request to resume {@code runId}: completes with the run's next sequence number. */
    public static PendingChunk resumeOf(String runId) {
        return new PendingChunk(runId, null, null, ANY_SEQUENCE);
    }

    public boolean isResume() {
        return chunk == null;
    }
}
