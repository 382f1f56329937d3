package dev.runstream.core.ui.internal;

import static dev.runstream.core.ui.internal.UiChunks.putDefined;
import static dev.runstream.core.ui.internal.UiChunks.putNonNull;
import static dev.runstream.core.ui.internal.UiChunks.typed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.json.Json;
import java.util.List;
import java.util.Set;

/**
 * Converts one Mastra agent chunk to the UI chunks it stands for, without state: the chunk table of
 * {@code toAISdkStream} for agents. Tool chunks go to {@link ToolChunkMapper}. {@code tool-output} and the
 * {@code data-structured-output} of {@code object-result} need the transformer's state and are left to
 * {@link AgentUiTransformer}; here they produce nothing, like every type without a UI counterpart.
 */
final class AgentChunkMapper {

    private static final Set<String> STANDARD_FINISH_REASONS =
            Set.of("stop", "length", "content-filter", "tool-calls", "error", "other");

    private final ConversionOptions options;
    private final ToolChunkMapper tools;

    AgentChunkMapper(ConversionOptions options) {
        this.options = options;
        this.tools = new ToolChunkMapper(options);
    }

    List<ObjectNode> map(ChunkJson chunk) {
        return switch (chunk.type()) {
            case "start" -> options.sendStart() ? List.of(start(chunk)) : List.of();
            case "step-start" -> List.of(typed("start-step"));
            case "step-finish" -> List.of(typed("finish-step"));
            case "text-start", "text-end" -> List.of(text(chunk, chunk.type(), false));
            case "text-delta" -> List.of(text(chunk, chunk.type(), true));
            case "reasoning-start", "reasoning-end" -> reasoning(chunk, false);
            case "reasoning-delta" -> reasoning(chunk, true);
            case "source" -> options.sendSources() ? List.of(source(chunk.payload())) : List.of();
            case "file" -> List.of(file(chunk.payload()));
            case "tripwire" -> List.of(tripwire(chunk.payload()));
            case "error" -> List.of(UiChunks.error(ErrorText.of(chunk.payload("error"))));
            case "abort" -> List.of(typed("abort"));
            case "finish" -> options.sendFinish() ? List.of(finish(chunk)) : List.of();
            default -> other(chunk);
        };
    }

    private List<ObjectNode> other(ChunkJson chunk) {
        if (ToolChunkMapper.handles(chunk.type())) {
            return tools.map(chunk);
        }
        if (chunk.type().startsWith("background-task-")) {
            return List.of(backgroundTask(chunk));
        }
        if (chunk.isData()) {
            return List.of(UiChunks.dataOrError(chunk));
        }
        return List.of();
    }

    /** {@code {type:"start", messageId?}}: the configured last message id, else the run's when it is truthy. */
    private ObjectNode start(ChunkJson chunk) {
        ObjectNode out = typed("start");
        if (options.lastMessageId().isPresent()) {
            out.put("messageId", options.lastMessageId().get());
        } else if (JsValues.truthy(chunk.payload("messageId"))) {
            out.set("messageId", chunk.payload("messageId").deepCopy());
        }
        return out;
    }

    private ObjectNode text(ChunkJson chunk, String type, boolean delta) {
        ObjectNode out = typed(type);
        putDefined(out, "id", chunk.payload("id"));
        if (delta) {
            putDefined(out, "delta", chunk.payload("text"));
        }
        JsonNode providerMetadata = chunk.payload("providerMetadata");
        if (!JsValues.isNullish(providerMetadata)) {
            out.set("providerMetadata", withoutOpenAiItemId(providerMetadata));
        }
        return out;
    }

    /** Without reasoning, an OpenAI text part's {@code itemId} is dropped (the {@code openai} object stays). */
    private JsonNode withoutOpenAiItemId(JsonNode providerMetadata) {
        JsonNode copy = providerMetadata.deepCopy();
        if (!options.sendReasoning() && copy.path("openai") instanceof ObjectNode openai) {
            openai.remove("itemId");
        }
        return copy;
    }

    private List<ObjectNode> reasoning(ChunkJson chunk, boolean delta) {
        if (!options.sendReasoning()) {
            return List.of();
        }
        ObjectNode out = typed(chunk.type());
        putDefined(out, "id", chunk.payload("id"));
        if (delta) {
            putDefined(out, "delta", chunk.payload("text"));
        }
        putNonNull(out, "providerMetadata", chunk.payload("providerMetadata"));
        return List.of(out);
    }

    private static ObjectNode source(JsonNode payload) {
        boolean url = "url".equals(payload.path("sourceType").textValue());
        ObjectNode out = typed(url ? "source-url" : "source-document");
        putDefined(out, "sourceId", payload.path("id"));
        if (url) {
            putDefined(out, "url", payload.path("url"));
        } else {
            putDefined(out, "mediaType", payload.path("mimeType"));
        }
        putDefined(out, "title", payload.path("title"));
        if (!url) {
            putDefined(out, "filename", payload.path("filename"));
        }
        putNonNull(out, "providerMetadata", payload.path("providerMetadata"));
        return out;
    }

    private static ObjectNode file(JsonNode payload) {
        ObjectNode out = typed("file");
        putDefined(out, "mediaType", payload.path("mimeType"));
        out.put("url", FileDataUrl.of(payload.path("mimeType"), payload.path("data")));
        return out;
    }

    private static ObjectNode tripwire(JsonNode payload) {
        ObjectNode data = Json.object();
        for (String key : List.of("reason", "retry", "metadata", "processorId")) {
            putDefined(data, key, payload.path(key));
        }
        ObjectNode out = typed("data-tripwire");
        out.set("data", data);
        return out;
    }

    private ObjectNode finish(ChunkJson chunk) {
        ObjectNode out = typed("finish");
        JsonNode reason = chunk.payload().path("stepResult").path("reason");
        if (options.v6Rules()) {
            out.put("finishReason", reason.isTextual() && STANDARD_FINISH_REASONS.contains(reason.textValue())
                    ? reason.textValue() : "other");
        } else if (reason.isTextual() && Set.of("tripwire", "retry").contains(reason.textValue())) {
            out.put("finishReason", "other");
        } else {
            putNonNull(out, "finishReason", reason);
        }
        return out;
    }

    /**
     * {@code {type:"data-background-task-<x>", data:{...payload, state, runId}, id?}}: a {@code state} or
     * {@code runId} already in the payload keeps its position with the new value.
     */
    private static ObjectNode backgroundTask(ChunkJson chunk) {
        JsonNode payload = chunk.payload();
        String type = "data-" + chunk.type();
        ObjectNode data = payload.isObject() ? payload.deepCopy() : Json.object();
        data.put("state", type);
        if (chunk.runId().isPresent()) {
            data.put("runId", chunk.runId().get());
        }
        ObjectNode out = typed(type);
        out.set("data", data);
        JsonNode id = payload.path("taskId").isTextual() ? payload.path("taskId") : payload.path("toolCallId");
        if (id.isTextual()) {
            out.set("id", id.deepCopy());
        }
        return out;
    }
}
