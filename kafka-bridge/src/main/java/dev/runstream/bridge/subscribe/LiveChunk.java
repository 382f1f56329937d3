package dev.runstream.bridge.subscribe;

import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.MastraChunkCodec;

/**
 * A chunk of a followed run as read from its topic, kept as Mastra JSON so that any number of readers share one
 * copy: its sequence number, whether it is transient, whether it ends the run's stream, and its JSON (UTF-8; never
 * modified by Runstream, and not to be modified by readers).
 */
public record LiveChunk(long sequence, boolean isTransient, boolean endsStream, String type, byte[] json) {

    /** The chunk, decoded from its JSON. */
    public Chunk chunk() {
        return MastraChunkCodec.decode(json);
    }
}
