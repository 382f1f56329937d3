package dev.runstream.core.ui.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.chunk.Chunk;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Converts a workflow run's stream: {@code toAISdkStream(run, {from:"workflow"})}. The stream is framed by
 * {@code start} and {@code finish}; every step event republishes the whole run as {@code data-workflow}, and a step
 * that ends or suspends is also published alone as {@code data-workflow-step}. Runs are kept apart by run id.
 *
 * <p>Nested, for a workflow used as an agent's tool, there is no frame, the types are {@code data-tool-workflow}
 * and {@code data-tool-workflow-step}, and the agent chunks a step writes are not converted.
 */
public final class WorkflowUiTransformer implements UiTransformer {

    /** The chunk types a step may write that are converted by the agent rules (Mastra names or not). */
    private static final Set<String> TEXT_STREAM_TYPES = Set.of("text-start", "text-delta", "text-end",
            "reasoning-start", "reasoning-delta", "reasoning-end", "file", "source", "tool-input-start",
            "tool-input-delta", "tool-call", "tool-result", "tool-error", "error", "start-step", "finish-step",
            "start", "finish", "abort", "tool-input-end", "raw");

    private final AgentChunkMapper stepChunks;
    private final boolean includeTextStreamParts;
    private final boolean nested;
    private final String workflowType;
    private final String stepType;
    private final Map<String, WorkflowRunState> runs = new HashMap<>();
    private boolean started;

    private WorkflowUiTransformer(ConversionOptions options, boolean includeTextStreamParts, boolean nested) {
        this.stepChunks = new AgentChunkMapper(options.nested());
        this.includeTextStreamParts = includeTextStreamParts;
        this.nested = nested;
        this.workflowType = nested ? "data-tool-workflow" : "data-workflow";
        this.stepType = nested ? "data-tool-workflow-step" : "data-workflow-step";
    }

    /** The conversion of a workflow run's own stream. */
    public static WorkflowUiTransformer topLevel(ConversionOptions options, boolean includeTextStreamParts) {
        return new WorkflowUiTransformer(options, includeTextStreamParts, false);
    }

    /** The conversion of the workflow events a workflow-as-tool writes into an agent's stream. */
    static WorkflowUiTransformer nested(ConversionOptions options) {
        return new WorkflowUiTransformer(options, false, true);
    }

    @Override
    public List<ObjectNode> accept(Chunk chunk) {
        List<ObjectNode> out = new ArrayList<>(frameStart());
        out.addAll(accept(ChunkJson.of(chunk)));
        return out;
    }

    @Override
    public List<ObjectNode> end() {
        List<ObjectNode> out = new ArrayList<>(frameStart());
        if (!nested) {
            out.add(UiChunks.typed("finish"));
        }
        return out;
    }

    private List<ObjectNode> frameStart() {
        if (nested || started) {
            return List.of();
        }
        started = true;
        return List.of(UiChunks.typed("start"));
    }

    List<ObjectNode> accept(ChunkJson chunk) {
        return switch (chunk.type()) {
            case "workflow-start" -> workflowStart(chunk);
            case "workflow-step-start" -> stepStart(chunk);
            case "workflow-step-result" -> stepResult(chunk);
            case "workflow-step-suspended" -> stepSuspended(chunk);
            case "workflow-finish" -> workflowFinish(chunk);
            case "workflow-step-output" -> stepOutput(chunk.payload("output"));
            default -> chunk.isData() ? List.of(UiChunks.dataOrError(chunk)) : List.of();
        };
    }

    private static String key(ChunkJson chunk) {
        return chunk.runId().orElse("undefined");
    }

    private static String stepId(ChunkJson chunk) {
        return JsValues.string(chunk.payload("id"));
    }

    private static JsonNode defined(JsonNode value) {
        return JsValues.isUndefined(value) ? null : value;
    }

    private static JsonNode orNull(JsonNode value) {
        return JsValues.isNullish(value) ? NullNode.getInstance() : value;
    }

    private List<ObjectNode> workflowStart(ChunkJson chunk) {
        WorkflowRunState run = new WorkflowRunState(chunk.runId(), defined(chunk.payload("workflowId")));
        runs.put(key(chunk), run);
        return List.of(run.workflowChunk(workflowType, WorkflowRunState.text("running"), false, null));
    }

    /** A step start replaces what was known of the step; a run not started yet is created nameless. */
    private List<ObjectNode> stepStart(ChunkJson chunk) {
        WorkflowRunState run = runs.computeIfAbsent(key(chunk),
                k -> new WorkflowRunState(chunk.runId(), WorkflowRunState.text("")));
        WorkflowRunState.Step step = run.newStep(stepId(chunk));
        step.name = defined(chunk.payload("id"));
        step.status = defined(chunk.payload("status"));
        step.input = orNull(chunk.payload("payload"));
        step.output = NullNode.getInstance();
        step.suspendPayload = NullNode.getInstance();
        step.resumePayload = NullNode.getInstance();
        return List.of(run.workflowChunk(workflowType, WorkflowRunState.text("running"), false, null));
    }

    /** The step's status and output; an error is not shown, so a failed step has output {@code null}. */
    private List<ObjectNode> stepResult(ChunkJson chunk) {
        WorkflowRunState run = runs.get(key(chunk));
        if (run == null) {
            return List.of();
        }
        String stepId = stepId(chunk);
        WorkflowRunState.Step step = run.step(stepId);
        step.status = defined(chunk.payload("status"));
        step.output = orNull(chunk.payload("output"));
        return List.of(run.workflowChunk(workflowType, WorkflowRunState.text("running"), false, null),
                run.stepChunk(stepType, "running", stepId));
    }

    private List<ObjectNode> stepSuspended(ChunkJson chunk) {
        WorkflowRunState run = runs.get(key(chunk));
        if (run == null) {
            return List.of();
        }
        String stepId = stepId(chunk);
        WorkflowRunState.Step step = run.step(stepId);
        step.status = defined(chunk.payload("status"));
        step.suspendPayload = orNull(chunk.payload("suspendPayload"));
        step.resumePayload = orNull(chunk.payload("resumePayload"));
        step.output = NullNode.getInstance();
        return List.of(run.workflowChunk(workflowType, WorkflowRunState.text("suspended"), false, null),
                run.stepChunk(stepType, "suspended", stepId));
    }

    /** The final state, with every step's output and the run's usage. */
    private List<ObjectNode> workflowFinish(ChunkJson chunk) {
        WorkflowRunState run = runs.get(key(chunk));
        if (run == null) {
            return List.of();
        }
        return List.of(run.workflowChunk(workflowType, defined(chunk.payload("workflowStatus")), true,
                chunk.payload("output")));
    }

    /** What a step wrote: an agent chunk of a converted type (if enabled), a data chunk, or nothing. */
    private List<ObjectNode> stepOutput(JsonNode output) {
        Optional<ChunkJson> written = ChunkJson.of(output);
        if (written.isEmpty()) {
            return List.of();
        }
        if (includeTextStreamParts && TEXT_STREAM_TYPES.contains(written.get().type())) {
            return stepChunks.map(written.get());
        }
        return written.get().isData() ? List.of(UiChunks.dataOrError(written.get())) : List.of();
    }
}
