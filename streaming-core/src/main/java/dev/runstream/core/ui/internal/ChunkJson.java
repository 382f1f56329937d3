package dev.runstream.core.ui.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.json.Json;
import java.util.Optional;

/**
 * A Mastra chunk as the conversion reads it: a top-level {@link Chunk}, or a chunk nested in another one (the
 * {@code output} of a {@code tool-output} or {@code workflow-step-output}), which only has its JSON.
 *
 * @param json    the chunk's JSON, read only
 * @param type    its {@code type}
 * @param runId   its run: a top-level chunk's own or attributed run, a nested chunk's own {@code runId}
 */
public record ChunkJson(JsonNode json, String type, Optional<String> runId) {

    public static ChunkJson of(Chunk chunk) {
        return new ChunkJson(chunk.json(), chunk.type(), chunk.runId());
    }

    /** The chunk a JSON value is, when it is an object with a string {@code type}. */
    public static Optional<ChunkJson> of(JsonNode value) {
        if (value == null || !value.isObject() || !value.path("type").isTextual()) {
            return Optional.empty();
        }
        return Optional.of(new ChunkJson(value, value.get("type").textValue(), Json.text(value, "runId")));
    }

    /** The {@code payload}, or {@link MissingNode} when there is none. */
    public JsonNode payload() {
        return json.path("payload");
    }

    /** A payload field, or {@link MissingNode}. */
    public JsonNode payload(String field) {
        return json.path("payload").path(field);
    }

    public boolean isData() {
        return type.startsWith("data-");
    }

    /** The {@code from} field, or {@link MissingNode}. */
    public JsonNode from() {
        return json.path("from");
    }
}
