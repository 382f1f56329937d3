package dev.runstream.core.ui.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.json.Json;

/**
 * Builds UI message chunks. Every value copied from a Mastra chunk is deep-copied: a UI chunk belongs to its
 * receiver, and the Mastra chunk stays as it was.
 */
public final class UiChunks {

    private UiChunks() {
    }

    /** {@code {type}}. */
    public static ObjectNode typed(String type) {
        ObjectNode chunk = Json.object();
        chunk.put("type", type);
        return chunk;
    }

    /** Sets {@code key} unless the value is {@code undefined} (JSON.stringify would drop it). */
    public static void putDefined(ObjectNode target, String key, JsonNode value) {
        if (!JsValues.isUndefined(value)) {
            target.set(key, value.deepCopy());
        }
    }

    /** Sets {@code key} unless the value is {@code undefined} or {@code null} ({@code x != null ? {key: x} : {}}). */
    public static void putNonNull(ObjectNode target, String key, JsonNode value) {
        if (!JsValues.isNullish(value)) {
            target.set(key, value.deepCopy());
        }
    }

    /** Sets {@code key} to the value, or to {@code null} when it is {@code undefined} or {@code null} ({@code x ?? null}). */
    public static void putOrNull(ObjectNode target, String key, JsonNode value) {
        if (JsValues.isNullish(value)) {
            target.putNull(key);
        } else {
            target.set(key, value.deepCopy());
        }
    }

    /** {@code {type:"error", errorText}}. */
    public static ObjectNode error(String errorText) {
        ObjectNode chunk = typed("error");
        chunk.put("errorText", errorText);
        return chunk;
    }

    /**
     * A custom {@code data-*} chunk as the UI gets it: {@code {type, data, id?}}, without {@code transient},
     * {@code runId} and {@code from}. The AI SDK errors the whole UI stream on a data chunk without {@code data};
     * here that chunk becomes an {@code error} chunk naming it instead, and the stream goes on.
     */
    public static ObjectNode dataOrError(ChunkJson chunk) {
        JsonNode data = chunk.json().get("data");
        if (data == null) {
            return error("UI stream chunk \"" + chunk.type() + "\" has no \"data\" field; the chunk was dropped");
        }
        ObjectNode out = typed(chunk.type());
        out.set("data", data.deepCopy());
        putDefined(out, "id", chunk.json().path("id"));
        return out;
    }
}
