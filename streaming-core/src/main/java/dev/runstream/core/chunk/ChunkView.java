package dev.runstream.core.chunk;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The typed view of a chunk, for a {@code switch} with pattern matching. Views read the chunk leniently: a string
 * field that is absent or not a string reads as {@code ""}, a JSON field that is absent reads as a
 * {@link com.fasterxml.jackson.databind.node.MissingNode}. The chunk itself keeps every key either way.
 */
public sealed interface ChunkView {

    /** {@code start}: an agent run begins (not sent on a resumed leg). */
    record RunStart(String agentId, String messageId) implements ChunkView {
    }

    /** {@code step-start}: one LLM call begins. */
    record StepStart(String messageId) implements ChunkView {
    }

    /** {@code step-finish}: one LLM call ended, with that step's usage. */
    record StepFinish(FinishInfo info) implements ChunkView {
    }

    /** {@code finish}: the agent run ended normally; its usage is the run total. */
    record RunFinish(FinishInfo info) implements ChunkView {
    }

    /** What {@code step-finish} and {@code finish} both carry. */
    record FinishInfo(Optional<String> reason, Optional<String> rawReason, boolean isContinued, Usage usage,
            Optional<String> text, String messageId) {
    }

    record TextStart(String id) implements ChunkView {
    }

    record TextDelta(String id, String text) implements ChunkView {
    }

    record TextEnd(String id) implements ChunkView {
    }

    record ReasoningStart(String id) implements ChunkView {
    }

    record ReasoningDelta(String id, String text) implements ChunkView {
    }

    record ReasoningEnd(String id) implements ChunkView {
    }

    /** {@code tool-call-input-streaming-start}. */
    record ToolInputStart(String toolCallId, String toolName) implements ChunkView {
    }

    /** {@code tool-call-delta}. */
    record ToolInputDelta(String toolCallId, String argsTextDelta) implements ChunkView {
    }

    /** {@code tool-call-input-streaming-end}. */
    record ToolInputEnd(String toolCallId) implements ChunkView {
    }

    /** {@code tool-call}: the model called a tool. */
    record ToolCall(String toolCallId, String toolName, JsonNode args) implements ChunkView {
    }

    /** {@code tool-result}. */
    record ToolResult(String toolCallId, String toolName, JsonNode result, boolean isError) implements ChunkView {
    }

    /** {@code tool-error}: the tool threw. */
    record ToolError(String toolCallId, String toolName, JsonNode error) implements ChunkView {
    }

    /** {@code tool-output}: what a tool wrote with {@code writer.write()}. */
    record ToolOutput(String toolCallId, String toolName, JsonNode output) implements ChunkView {
    }

    /** {@code tool-call-approval}: the run suspends until the call is approved or declined. */
    record ToolApprovalRequest(String toolCallId, String toolName, JsonNode payload) implements ChunkView {
    }

    /** {@code tool-call-suspended}: the tool called {@code suspend()}; the run suspends. */
    record ToolSuspended(String toolCallId, String toolName, JsonNode payload) implements ChunkView {
    }

    /** {@code tool-output-denied}: an approval was declined. */
    record ToolDenied(String toolCallId, String toolName) implements ChunkView {
    }

    /** {@code error}: the run failed; the stream closes without a {@code finish} of its own. */
    record RunError(JsonNode error) implements ChunkView {
    }

    /** {@code abort}: the caller aborted the run. */
    record RunAbort() implements ChunkView {
    }

    /** {@code tripwire}: an output processor blocked the run. */
    record Tripwire(String reason) implements ChunkView {
    }

    record WorkflowStart(String workflowId) implements ChunkView {
    }

    record WorkflowStepStart(String stepId, JsonNode input) implements ChunkView {
    }

    /** {@code workflow-step-result}: a step ended with {@code status} ({@code success}, {@code failed}, ...). */
    record WorkflowStepResult(String stepId, String status, JsonNode output, JsonNode error, boolean tripwire)
            implements ChunkView {
    }

    record WorkflowStepSuspended(String stepId, JsonNode suspendPayload) implements ChunkView {
    }

    /** {@code workflow-step-output}: what a step wrote; a nested agent's chunks arrive this way. */
    record WorkflowStepOutput(String stepName, JsonNode output) implements ChunkView {
    }

    /** {@code workflow-canceled}. */
    record WorkflowCanceled() implements ChunkView {
    }

    /** {@code workflow-paused}. */
    record WorkflowPaused() implements ChunkView {
    }

    /** {@code workflow-finish}: the workflow stream closed with {@code workflowStatus}. */
    record WorkflowFinish(String workflowStatus, Usage usage, JsonNode result, JsonNode metadata, JsonNode tripwire)
            implements ChunkView {
    }

    /** A custom {@code data-*} chunk. {@code name} is the type without {@code data-}. */
    record Data(String name, Optional<String> id, JsonNode data, boolean isTransient) implements ChunkView {
    }

    /** Any other chunk type, known to Mastra or not: kept and carried, not interpreted. */
    record Other(String type) implements ChunkView {
    }
}
