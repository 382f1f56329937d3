package dev.runstream.core.testing;

import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.ChunkBodyFormat;
import dev.runstream.core.chunk.MastraChunkCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Chunks written as an HTTP body in each {@link ChunkBodyFormat}, the way Mastra's routes write them. */
public final class ChunkBodies {

    private ChunkBodies() {
    }

    /** The media type a client sends with a body of {@code format}. */
    public static String mediaType(ChunkBodyFormat format) {
        return switch (format) {
            case NDJSON -> "application/x-ndjson";
            case JSON_ARRAY -> "application/json";
            case SSE -> "text/event-stream";
            case RECORD_SEPARATED -> "application/json-seq";
        };
    }

    public static byte[] render(List<Chunk> chunks, ChunkBodyFormat format) {
        return renderJson(chunks.stream().map(MastraChunkCodec::encode).toList(), format);
    }

    /** Already written JSON texts (valid or not) framed as a body of {@code format}. */
    public static byte[] renderJson(List<String> items, ChunkBodyFormat format) {
        StringBuilder body = new StringBuilder();
        switch (format) {
            case NDJSON -> items.forEach(item -> body.append(item).append('\n'));
            case JSON_ARRAY -> body.append('[').append(String.join(",\n", items)).append(']');
            case SSE -> {
                items.forEach(item -> body.append("data: ").append(item).append("\n\n"));
                body.append("data: [DONE]\n\n");
            }
            case RECORD_SEPARATED -> items.forEach(item -> body.append(item).append('\u001e'));
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }
}
