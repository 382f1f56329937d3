package dev.runstream.bridge.subscribe.internal;

import dev.runstream.bridge.subscribe.LiveChunk;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.stream.RunTermination;

/** Turns stored chunks into the shared {@link LiveChunk} form. */
public final class LiveChunks {

    private LiveChunks() {
    }

    public static LiveChunk of(StoredChunk stored) {
        return new LiveChunk(stored.sequence(), stored.timestamp(), stored.chunk().isTransient(),
                RunTermination.endsStream(stored.chunk()), stored.chunk().type(),
                MastraChunkCodec.encodeBytes(stored.chunk()));
    }
}
