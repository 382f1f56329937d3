package dev.runstream.core.chunk;

import static dev.runstream.core.json.Json.field;
import static dev.runstream.core.json.Json.text;
import static dev.runstream.core.json.Json.textOrEmpty;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.chunk.ChunkView.*;

/** Reads the typed view of a chunk. */
final class ChunkViews {

    private ChunkViews() {
    }

    static ChunkView of(Chunk chunk) {
        JsonNode p = chunk.payload();
        String type = chunk.type();
        if (chunk.isData()) {
            return new Data(type.substring("data-".length()), text(chunk.json(), "id"),
                    field(chunk.json(), "data"), chunk.isTransient());
        }
        return switch (type) {
            case "start" -> new RunStart(textOrEmpty(p, "id"), textOrEmpty(p, "messageId"));
            case "step-start" -> new StepStart(textOrEmpty(p, "messageId"));
            case "step-finish" -> new StepFinish(finishInfo(p));
            case "finish" -> new RunFinish(finishInfo(p));
            case "text-start" -> new TextStart(textOrEmpty(p, "id"));
            case "text-delta" -> new TextDelta(textOrEmpty(p, "id"), textOrEmpty(p, "text"));
            case "text-end" -> new TextEnd(textOrEmpty(p, "id"));
            case "reasoning-start" -> new ReasoningStart(textOrEmpty(p, "id"));
            case "reasoning-delta" -> new ReasoningDelta(textOrEmpty(p, "id"), textOrEmpty(p, "text"));
            case "reasoning-end" -> new ReasoningEnd(textOrEmpty(p, "id"));
            case "tool-call-input-streaming-start" ->
                    new ToolInputStart(textOrEmpty(p, "toolCallId"), textOrEmpty(p, "toolName"));
            case "tool-call-delta" -> new ToolInputDelta(textOrEmpty(p, "toolCallId"), textOrEmpty(p, "argsTextDelta"));
            case "tool-call-input-streaming-end" -> new ToolInputEnd(textOrEmpty(p, "toolCallId"));
            case "tool-call" -> new ToolCall(textOrEmpty(p, "toolCallId"), textOrEmpty(p, "toolName"), field(p, "args"));
            case "tool-result" -> new ToolResult(textOrEmpty(p, "toolCallId"), textOrEmpty(p, "toolName"),
                    field(p, "result"), p.path("isError").asBoolean(false));
            case "tool-error" -> new ToolError(textOrEmpty(p, "toolCallId"), textOrEmpty(p, "toolName"), field(p, "error"));
            case "tool-output" -> new ToolOutput(textOrEmpty(p, "toolCallId"), textOrEmpty(p, "toolName"), field(p, "output"));
            case "tool-call-approval" -> new ToolApprovalRequest(textOrEmpty(p, "toolCallId"), textOrEmpty(p, "toolName"), p);
            case "tool-call-suspended" -> new ToolSuspended(textOrEmpty(p, "toolCallId"), textOrEmpty(p, "toolName"), p);
            case "tool-output-denied" -> new ToolDenied(textOrEmpty(p, "toolCallId"), textOrEmpty(p, "toolName"));
            case "error" -> new RunError(field(p, "error"));
            case "abort" -> new RunAbort();
            case "tripwire" -> new Tripwire(text(p, "reason").or(() -> text(p, "tripwireReason")).orElse(""));
            case "workflow-start" -> new WorkflowStart(textOrEmpty(p, "workflowId"));
            case "workflow-step-start" -> new WorkflowStepStart(stepId(p), field(p, "payload"));
            case "workflow-step-result" -> new WorkflowStepResult(stepId(p), textOrEmpty(p, "status"),
                    field(p, "output"), field(p, "error"), p.hasNonNull("tripwire"));
            case "workflow-step-suspended" -> new WorkflowStepSuspended(stepId(p), field(p, "suspendPayload"));
            case "workflow-step-output" -> new WorkflowStepOutput(textOrEmpty(p, "stepName"), field(p, "output"));
            case "workflow-canceled" -> new WorkflowCanceled();
            case "workflow-paused" -> new WorkflowPaused();
            case "workflow-finish" -> new WorkflowFinish(textOrEmpty(p, "workflowStatus"),
                    Usage.fromWorkflowJson(p.path("output").path("usage")), field(p, "finalWorkflowResult"),
                    field(p, "metadata"), field(p, "tripwire"));
            default -> new Other(type);
        };
    }

    private static String stepId(JsonNode payload) {
        return text(payload, "id").or(() -> text(payload, "stepName")).orElse("");
    }

    private static FinishInfo finishInfo(JsonNode p) {
        JsonNode stepResult = p.path("stepResult");
        JsonNode output = p.path("output");
        return new FinishInfo(text(stepResult, "reason"), text(stepResult, "rawReason"),
                stepResult.path("isContinued").asBoolean(false), Usage.fromJson(output.get("usage")),
                text(output, "text"), textOrEmpty(p, "messageId"));
    }
}
