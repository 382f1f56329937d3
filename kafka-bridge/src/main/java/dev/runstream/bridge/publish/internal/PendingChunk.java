package dev.runstream.bridge.publish.internal;

import dev.runstream.core.chunk.Chunk;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** A chunk a writer handed to the publisher, waiting for Kafka. */
public record PendingChunk(String runId, Chunk chunk, Instant timestamp, CompletableFuture<Long> result) {
}
