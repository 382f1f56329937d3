package dev.runstream.bridge.publish.internal;

import dev.runstream.core.chunk.Chunk;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A chunk a writer handed to the publisher, waiting for Kafka; or, without a chunk, a writer's request to resume its
 * run after a failure, served in queue order.
 */
public record PendingChunk(String runId, Chunk chunk, Instant timestamp, CompletableFuture<Long> result) {

    /** A request to resume {@code runId}: completes with the run's next sequence number. */
    public static PendingChunk resumeOf(String runId) {
        return new PendingChunk(runId, null, null, new CompletableFuture<>());
    }

    public boolean isResume() {
        return chunk == null;
    }
}
