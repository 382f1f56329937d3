package dev.runstream.core.chunk;

import java.time.Instant;
import java.util.Objects;

/**
 * A chunk as a run's log holds it: the run, its 0-based position in the run ({@code sequence}), and when the writer
 * accepted it.
 */
public record StoredChunk(String runId, long sequence, Instant timestamp, Chunk chunk) {

    public StoredChunk {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(chunk, "chunk");
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must be >= 0, was " + sequence);
        }
    }
}
