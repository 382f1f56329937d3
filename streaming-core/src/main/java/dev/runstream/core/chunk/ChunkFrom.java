package dev.runstream.core.chunk;

import java.util.Optional;

/** Who produced a chunk: Mastra's {@code ChunkFrom}. */
public enum ChunkFrom {
    AGENT, USER, SYSTEM, WORKFLOW, NETWORK;

    /** The constant for a wire value, if it is one Mastra defines. */
    public static Optional<ChunkFrom> parse(String value) {
        for (ChunkFrom from : values()) {
            if (from.name().equals(value)) {
                return Optional.of(from);
            }
        }
        return Optional.empty();
    }
}
