package dev.runstream.core.stream;

import dev.runstream.core.chunk.Chunk;
import java.util.concurrent.CompletionStage;

/**
 * Where a run's chunks go: an in-memory {@link RunStream}, or Kafka. {@code accept} returns at once; its stage
 * completes with the chunk's sequence number in its run once the chunk is accepted (stored, for a durable sink).
 * A writer that waits for the stage before writing more gets back-pressure; a sink never buffers without bound.
 */
@FunctionalInterface
public interface ChunkSink {

    /**
     * Accepts one chunk of {@code runId}. A chunk that carries another run id is refused (the stage fails with an
     * {@link IllegalArgumentException}); one that carries none is attributed to {@code runId}.
     */
    CompletionStage<Long> accept(String runId, Chunk chunk);
}
