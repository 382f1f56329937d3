package dev.runstream.core.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.RunIds;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.ChunkFrom;
import dev.runstream.core.json.Json;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a tool or a workflow step writes to its run, as Mastra's {@code ToolStream} writer does:
 * {@link #write(Object)} becomes a {@code tool-output} (tool) or {@code workflow-step-output} (step) chunk with
 * {@code from: "USER"}; {@link #custom(String, Object, boolean)} a top-level {@code data-*} chunk. Each write returns
 * a stage that completes when the sink has accepted the chunk: wait for it and a fast writer is slowed to the sink's
 * pace (Mastra's {@code await writer.write(...)}).
 */
public final class RunWriter {

    private enum Kind { TOOL, WORKFLOW_STEP }

    private final Kind kind;
    private final String runId;
    private final String callId;
    private final String name;
    private final ChunkSink sink;

    private RunWriter(Kind kind, String runId, String callId, String name, ChunkSink sink) {
        this.kind = kind;
        this.runId = RunIds.requireValid(runId);
        this.callId = callId;
        this.name = Objects.requireNonNull(name, "name");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** The writer of a tool call: {@code write} gives {@code tool-output}; {@code custom} chunks carry no run id. */
    public static RunWriter forTool(String runId, String toolCallId, String toolName, ChunkSink sink) {
        return new RunWriter(Kind.TOOL, runId, Objects.requireNonNull(toolCallId, "toolCallId"), toolName, sink);
    }

    /**
     * The writer of a workflow step: {@code write} gives {@code workflow-step-output}; {@code custom} chunks get the
     * run id and {@code from: "WORKFLOW"}, as in a workflow's {@code stream()}.
     */
    public static RunWriter forWorkflowStep(String runId, String stepName, ChunkSink sink) {
        return new RunWriter(Kind.WORKFLOW_STEP, runId, null, stepName, sink);
    }

    /** Writes any JSON-able value (a {@link JsonNode} as is) as this tool's or step's output. */
    public CompletionStage<Long> write(Object value) {
        JsonNode output = Json.MAPPER.valueToTree(value);
        ObjectNode chunk = Json.object();
        ObjectNode payload = Json.object();
        payload.set("output", output == null ? Json.NODES.nullNode() : output);
        if (kind == Kind.TOOL) {
            chunk.put("type", "tool-output");
            payload.put("toolCallId", callId).put("toolName", name);
        } else {
            chunk.put("type", "workflow-step-output");
            payload.put("runId", runId).put("stepName", name);
        }
        chunk.put("runId", runId).put("from", ChunkFrom.USER.name()).set("payload", payload);
        return sink.accept(runId, Chunk.of(chunk));
    }

    /**
     * Writes a custom data chunk {@code {type: "data-<name>", data, transient?}}.
     *
     * @param type must start with {@code data-}
     */
    public CompletionStage<Long> custom(String type, Object data, boolean isTransient) {
        ObjectNode chunk = Json.object();
        chunk.put("type", Objects.requireNonNull(type, "type"));
        chunk.set("data", Json.MAPPER.valueToTree(data));
        if (isTransient) {
            chunk.put("transient", true);
        }
        return custom(chunk);
    }

    /**
     * Writes a custom chunk given whole ({@code {type: "data-…", data, id?, transient?}}), passed through unchanged
     * but for the run id and {@code from} a workflow step adds.
     */
    public CompletionStage<Long> custom(ObjectNode dataChunk) {
        Objects.requireNonNull(dataChunk, "dataChunk");
        if (!dataChunk.path("type").asText("").startsWith("data-")) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "run '" + runId + "': a custom chunk's type must start with 'data-', was "
                            + dataChunk.path("type")));
        }
        ObjectNode chunk = dataChunk.deepCopy();
        if (kind == Kind.WORKFLOW_STEP) {
            chunk.put("runId", runId).put("from", ChunkFrom.WORKFLOW.name());
        }
        try {
            return sink.accept(runId, Chunk.of(chunk));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
