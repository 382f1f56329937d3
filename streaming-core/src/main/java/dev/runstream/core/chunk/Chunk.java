package dev.runstream.core.chunk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.ChunkDecodeException;
import dev.runstream.core.json.Json;
import java.util.Objects;
import java.util.Optional;

/**
 * One chunk of a Mastra stream, kept exactly as it was written (every key, any chunk type, known or not), with the
 * run it belongs to.
 *
 * <p>The run id is the chunk's own {@code runId} when it carries one; chunks that carry none (a tool's
 * {@code writer.custom()} data chunk, a processor's {@code tripwire}) belong to the run their context names, given
 * with {@link #attributedTo(String)}. Attribution never changes the chunk's JSON: it serialises back as received.
 *
 * <p>Instances are immutable: the JSON tree is owned by the chunk and must not be modified through
 * {@link #json()} or {@link #payload()}.
 */
public final class Chunk {

    private final ObjectNode json;
    private final String type;
    private final String runId;
    private volatile ChunkView view;

    private Chunk(ObjectNode json, String type, String runId) {
        this.json = json;
        this.type = type;
        this.runId = runId;
    }

    /**
     * A chunk of this JSON object, which the chunk then owns. Checks the envelope: {@code type} a non-empty string;
     * {@code runId} and {@code from}, when present, strings; {@code transient}, when present, a boolean;
     * {@code payload}, when present, an object.
     *
     * @throws ChunkDecodeException naming the field and the reason
     */
    public static Chunk of(ObjectNode json) {
        Objects.requireNonNull(json, "json");
        JsonNode runIdNode = json.get("runId");
        String runId = null;
        if (runIdNode != null) {
            if (!runIdNode.isTextual()) {
                throw new ChunkDecodeException(null, "runId", "must be a string, was " + kind(runIdNode));
            }
            runId = runIdNode.textValue();
        }
        JsonNode typeNode = json.get("type");
        if (typeNode == null) {
            throw new ChunkDecodeException(runId, "type", "missing");
        }
        if (!typeNode.isTextual() || typeNode.textValue().isEmpty()) {
            throw new ChunkDecodeException(runId, "type", "must be a non-empty string, was " + kind(typeNode));
        }
        requireKind(json, "from", runId, JsonNode::isTextual, "a string");
        requireKind(json, "transient", runId, JsonNode::isBoolean, "a boolean");
        requireKind(json, "payload", runId, JsonNode::isObject, "an object");
        return new Chunk(json, typeNode.textValue(), runId);
    }

    private static void requireKind(ObjectNode json, String field, String runId,
            java.util.function.Predicate<JsonNode> test, String expected) {
        JsonNode node = json.get(field);
        if (node != null && !test.test(node)) {
            throw new ChunkDecodeException(runId, field, "must be " + expected + ", was " + kind(node));
        }
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /**
     * This chunk as belonging to {@code runId} when it carries no run id of its own. A chunk that carries one keeps
     * it: the context does not override what the chunk says.
     */
    public Chunk attributedTo(String runId) {
        Objects.requireNonNull(runId, "runId");
        if (carriesRunId() || runId.equals(this.runId)) {
            return this;
        }
        return new Chunk(json, type, runId);
    }

    /** The chunk type, e.g. {@code text-delta}, {@code workflow-step-result}, {@code data-progress}. */
    public String type() {
        return type;
    }

    /** The run this chunk belongs to: its own {@code runId}, or the one it was attributed to. */
    public Optional<String> runId() {
        return Optional.ofNullable(runId);
    }

    /** Whether the chunk's JSON has a {@code runId} of its own. */
    public boolean carriesRunId() {
        return json.has("runId");
    }

    /** The {@code from} field as Mastra defines it, if present and known. */
    public Optional<ChunkFrom> from() {
        return Json.text(json, "from").flatMap(ChunkFrom::parse);
    }

    /** Whether the chunk is marked {@code transient: true}: streamed live, never persisted. */
    public boolean isTransient() {
        JsonNode node = json.get("transient");
        return node != null && node.booleanValue();
    }

    /** Whether this is a custom {@code data-*} chunk. */
    public boolean isData() {
        return type.startsWith("data-");
    }

    /** The {@code payload} object, or a {@link MissingNode} for chunks that have none ({@code data-*}, {@code object}). */
    public JsonNode payload() {
        JsonNode payload = json.get("payload");
        return payload == null ? MissingNode.getInstance() : payload;
    }

    /** The whole chunk as received. Read only. */
    public JsonNode json() {
        return json;
    }

    /** The typed view of this chunk; {@link ChunkView.Other} for types without one. */
    public ChunkView view() {
        ChunkView result = view;
        if (result == null) {
            result = ChunkViews.of(this);
            view = result;
        }
        return result;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Chunk that && json.equals(that.json) && Objects.equals(runId, that.runId);
    }

    @Override
    public int hashCode() {
        return json.hashCode() * 31 + Objects.hashCode(runId);
    }

    /** Type and run only: chunk payloads (prompts, model output) never reach logs through {@code toString}. */
    @Override
    public String toString() {
        return "Chunk[type=" + type + ", runId=" + runId + "]";
    }
}
