package dev.runstream.core.fold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.json.Json;
import java.time.Instant;
import java.util.Optional;

/**
 * The JSON form of a {@link RunSummary}, as the CLI prints it and the HTTP bridge serves it. Mastra's key names for
 * what Mastra defines ({@code text}, {@code finishReason}, {@code usage}, ...); absent values are {@code null}.
 */
public final class RunSummaryJson {

    private RunSummaryJson() {
    }

    public static ObjectNode toJson(RunSummary s) {
        ObjectNode out = Json.object();
        out.put("runId", s.runId());
        out.put("kind", s.kind().jsonName());
        out.put("status", s.status().jsonName());
        out.put("name", s.name());
        out.put("text", s.text());
        if (!s.reasoningText().isEmpty()) {
            out.put("reasoningText", s.reasoningText());
        }
        out.put("finishReason", s.finishReason().orElse(null));
        out.set("usage", s.usage().toJson());
        out.set("error", orNull(s.error()));
        out.set("result", orNull(s.result()));
        out.put("stepCount", s.stepCount());
        ArrayNode steps = out.putArray("steps");
        for (StepSummary step : s.steps()) {
            steps.addObject()
                    .put("name", step.name())
                    .put("status", step.status())
                    .set("usage", step.usage().toJson());
        }
        ArrayNode calls = out.putArray("toolCalls");
        for (ToolCallSummary call : s.toolCalls()) {
            calls.addObject()
                    .put("toolCallId", call.toolCallId())
                    .put("toolName", call.toolName())
                    .put("outcome", call.outcome().jsonName());
        }
        out.put("chunkCount", s.chunkCount());
        out.put("transientCount", s.transientCount());
        out.put("lastSequence", s.lastSequence());
        out.put("firstChunkAt", iso(s.firstChunkAt()));
        out.put("lastChunkAt", iso(s.lastChunkAt()));
        out.put("finishedAt", iso(s.finishedAt()));
        s.cancel().ifPresent(cancel -> out.set("cancel", cancelJson(cancel)));
        return out;
    }

    /** {@code {cancelId, requestedBy, requestedAt, reason}}: who asked for the run to be canceled, and when. */
    public static ObjectNode cancelJson(CancelRequest cancel) {
        ObjectNode out = Json.object();
        out.put("cancelId", cancel.cancelId());
        out.put("requestedBy", cancel.requestedBy());
        out.put("requestedAt", cancel.requestedAt().toString());
        out.put("reason", cancel.reason());
        return out;
    }

    private static JsonNode orNull(JsonNode node) {
        return node.isMissingNode() ? Json.NODES.nullNode() : node;
    }

    private static String iso(Optional<Instant> instant) {
        return instant.map(Instant::toString).orElse(null);
    }
}
