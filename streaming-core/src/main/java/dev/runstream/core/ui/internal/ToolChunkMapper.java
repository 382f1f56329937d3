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
 * Converts the tool chunks of an agent stream. A tool may register display transforms, which Mastra puts on the
 * chunk as {@code metadata.mastra.toolPayloadTransform.display.<phase>}: a {@code transformed} value there replaces
 * the one shown to the UI, and an {@code input-delta} marked {@code suppress} is not shown at all.
 */
final class ToolChunkMapper {

    private static final Set<String> TYPES = Set.of("tool-call-input-streaming-start", "tool-call-delta",
            "tool-call", "tool-result", "tool-error", "tool-output-denied", "tool-call-approval",
            "tool-call-suspended");

    private final ConversionOptions options;

    ToolChunkMapper(ConversionOptions options) {
        this.options = options;
    }

    static boolean handles(String type) {
        return TYPES.contains(type);
    }

    List<ObjectNode> map(ChunkJson chunk) {
        JsonNode p = chunk.payload();
        return switch (chunk.type()) {
            case "tool-call-input-streaming-start" -> List.of(inputStart(p));
            case "tool-call-delta" -> inputDelta(chunk);
            case "tool-call" -> List.of(inputAvailable(chunk));
            case "tool-result" -> List.of(outputAvailable(chunk));
            case "tool-error" -> List.of(outputError(chunk));
            case "tool-output-denied" -> List.of(withToolCallId("tool-output-denied", p));
            case "tool-call-approval" -> approval(chunk);
            case "tool-call-suspended" -> List.of(suspended(chunk));
            default -> List.of();
        };
    }

    private static ObjectNode withToolCallId(String type, JsonNode payload) {
        ObjectNode out = typed(type);
        putDefined(out, "toolCallId", payload.path("toolCallId"));
        return out;
    }

    private static JsonNode display(ChunkJson chunk, String phase) {
        return chunk.json().path("metadata").path("mastra").path("toolPayloadTransform").path("display").path(phase);
    }

    /** The display transform's {@code transformed} value for the phase, else {@code value}. */
    private static JsonNode displayed(ChunkJson chunk, String phase, JsonNode value) {
        JsonNode transformed = display(chunk, phase).path("transformed");
        return JsValues.isUndefined(transformed) ? value : transformed;
    }

    /** {@code dynamic} is always written, as {@code !!dynamic}. */
    private static ObjectNode inputStart(JsonNode p) {
        ObjectNode out = withToolCallId("tool-input-start", p);
        putDefined(out, "toolName", p.path("toolName"));
        putNonNull(out, "providerExecuted", p.path("providerExecuted"));
        out.put("dynamic", JsValues.truthy(p.path("dynamic")));
        return out;
    }

    private static List<ObjectNode> inputDelta(ChunkJson chunk) {
        JsonNode display = display(chunk, "input-delta");
        if (JsValues.truthy(display.path("suppress"))) {
            return List.of();
        }
        ObjectNode out = withToolCallId("tool-input-delta", chunk.payload());
        putDefined(out, "inputTextDelta", displayed(chunk, "input-delta", chunk.payload("argsTextDelta")));
        return List.of(out);
    }

    /** {@code dynamic} is never written; {@code toolMetadata} carries the call's observability carrier. */
    private static ObjectNode inputAvailable(ChunkJson chunk) {
        JsonNode p = chunk.payload();
        ObjectNode out = withToolCallId("tool-input-available", p);
        putDefined(out, "toolName", p.path("toolName"));
        putDefined(out, "input", displayed(chunk, "input-available", p.path("args")));
        putNonNull(out, "providerExecuted", p.path("providerExecuted"));
        putNonNull(out, "providerMetadata", p.path("providerMetadata"));
        if (!JsValues.isNullish(p.path("observability"))) {
            ObjectNode toolMetadata = Json.object();
            toolMetadata.set("__mastraObservability", p.path("observability").deepCopy());
            out.set("toolMetadata", toolMetadata);
        }
        return out;
    }

    private static ObjectNode outputAvailable(ChunkJson chunk) {
        JsonNode p = chunk.payload();
        ObjectNode out = withToolCallId("tool-output-available", p);
        putDefined(out, "output", displayed(chunk, "output-available", p.path("result")));
        putNonNull(out, "providerExecuted", p.path("providerExecuted"));
        putNonNull(out, "providerMetadata", p.path("providerMetadata"));
        return out;
    }

    private static ObjectNode outputError(ChunkJson chunk) {
        JsonNode p = chunk.payload();
        ObjectNode out = withToolCallId("tool-output-error", p);
        out.put("errorText", ErrorText.of(displayed(chunk, "error", p.path("error"))));
        putNonNull(out, "providerExecuted", p.path("providerExecuted"));
        return out;
    }

    /** v6/v7 announce the approval with {@code tool-approval-request} before the data chunk v5 also sends. */
    private List<ObjectNode> approval(ChunkJson chunk) {
        JsonNode p = chunk.payload();
        ObjectNode data = toolState(chunk, "data-tool-call-approval");
        putDefined(data, "args", displayed(chunk, "approval", p.path("args")));
        putDefined(data, "resumeSchema", p.path("resumeSchema"));
        ObjectNode dataChunk = dataChunk("data-tool-call-approval", data, p);
        if (!options.v6Rules()) {
            return List.of(dataChunk);
        }
        ObjectNode request = typed("tool-approval-request");
        request.put("approvalId", chunk.runId().orElse("undefined") + "::" + JsValues.string(p.path("toolCallId")));
        putDefined(request, "toolCallId", p.path("toolCallId"));
        return List.of(request, dataChunk);
    }

    private static ObjectNode suspended(ChunkJson chunk) {
        JsonNode p = chunk.payload();
        ObjectNode data = toolState(chunk, "data-tool-call-suspended");
        putDefined(data, "suspendPayload", displayed(chunk, "suspend", p.path("suspendPayload")));
        putDefined(data, "resumeSchema", p.path("resumeSchema"));
        return dataChunk("data-tool-call-suspended", data, p);
    }

    /** {@code {state, runId, toolCallId, toolName}}, the head of an approval's or suspension's data. */
    private static ObjectNode toolState(ChunkJson chunk, String state) {
        ObjectNode data = Json.object();
        data.put("state", state);
        chunk.runId().ifPresent(runId -> data.put("runId", runId));
        putDefined(data, "toolCallId", chunk.payload("toolCallId"));
        putDefined(data, "toolName", chunk.payload("toolName"));
        return data;
    }

    /** {@code {type, data, id}}, the id last. */
    private static ObjectNode dataChunk(String type, ObjectNode data, JsonNode payload) {
        ObjectNode out = typed(type);
        out.set("data", data);
        putDefined(out, "id", payload.path("toolCallId"));
        return out;
    }
}
