package dev.runstream.bridge.subscribe;

import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.chunk.StoredChunk;
import java.time.Instant;

/**
 * A chunk of a followed run as read from its topic, kept as Mastra JSON so that any number of readers share one
 * copy: its sequence number, the writer's timestamp, whether it is transient, whether it ends the run's stream, and
 * its JSON (UTF-8; never modified by Runstream, and not to be modified by readers).
 */
public record LiveChunk(long sequence, Instant timestamp, boolean isTransient, boolean endsStream, String type,
        byte[] json) {

    /** The chunk, decoded from its JSON. */
    public Chunk chunk() {
        return MastraChunkCodec.decode(json);
    }

    /** The chunk as stored for {@code runId}, decoded from its JSON. */
    public StoredChunk stored(String runId) {
        return new StoredChunk(runId, sequence, timestamp, chunk());
    }
}
