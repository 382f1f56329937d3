package dev.runstream.core.chunk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.ChunkDecodeException;
import dev.runstream.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Mastra's JSON form of a chunk ({@code JSON.stringify(chunk)}), both ways. Decoding keeps every key and value
 * exactly (numbers included), so {@code encode(decode(json))} is JSON-equal to {@code json}.
 */
public final class MastraChunkCodec {

    private MastraChunkCodec() {
    }

    /**
     * Reads one chunk.
     *
     * @throws ChunkDecodeException when the text is not a JSON object or its envelope is malformed
     */
    public static Chunk decode(String json) {
        try {
            return fromTree(Json.MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw notJson(e);
        }
    }

    /** Reads one chunk from UTF-8 bytes; see {@link #decode(String)}. */
    public static Chunk decode(byte[] utf8) {
        try {
            return fromTree(Json.MAPPER.readTree(utf8));
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw new ChunkDecodeException(null, null, "unreadable: " + e.getMessage(), e);
        }
    }

    /** A chunk of an already parsed JSON value. */
    public static Chunk fromTree(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            throw new ChunkDecodeException(null, null, "empty input");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ChunkDecodeException(null, null, "a chunk is a JSON object, this is " + Chunk.kind(node));
        }
        return Chunk.of(object);
    }

    public static String encode(Chunk chunk) {
        return Json.write(chunk.json());
    }

    public static byte[] encodeBytes(Chunk chunk) {
        try {
            return Json.MAPPER.writeValueAsBytes(chunk.json());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a chunk could not be written", e);
        }
    }

    private static ChunkDecodeException notJson(JsonProcessingException e) {
        String detail = e.getOriginalMessage();
        if (e.getLocation() != null) {
            detail += " at column " + e.getLocation().getColumnNr();
        }
        return new ChunkDecodeException(null, null, "not valid JSON: " + detail, e);
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
