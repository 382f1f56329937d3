package dev.runstream.core.ui.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.runstream.core.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the UI knows of one workflow run: its name and a result per step id, in first-seen order, and the
 * {@code data-workflow} / {@code data-workflow-step} chunks built from them. A Java {@code null} field is a value
 * the JavaScript original leaves {@code undefined}, so it is not written.
 */
final class WorkflowRunState {

    /** One step as the UI shows it. */
    static final class Step {
        JsonNode name;
        JsonNode status;
        JsonNode input;
        JsonNode output;
        JsonNode suspendPayload;
        JsonNode resumePayload;

        /** {@code name, status, input, output, suspendPayload, resumePayload}; the output only if asked for. */
        ObjectNode toJson(boolean includeOutput) {
            ObjectNode out = Json.object();
            put(out, "name", name);
            put(out, "status", status);
            put(out, "input", input);
            put(out, "output", includeOutput ? output : NullNode.getInstance());
            put(out, "suspendPayload", suspendPayload);
            put(out, "resumePayload", resumePayload);
            return out;
        }

        private static void put(ObjectNode out, String key, JsonNode value) {
            if (value != null) {
                out.set(key, value.deepCopy());
            }
        }
    }

    private final Optional<String> runId;
    private final JsonNode name;
    private final Map<String, Step> steps = new LinkedHashMap<>();

    WorkflowRunState(Optional<String> runId, JsonNode name) {
        this.runId = runId;
        this.name = name;
    }

    /** The step with this id, created empty when absent. */
    Step step(String stepId) {
        return steps.computeIfAbsent(stepId, id -> new Step());
    }

    /** Replaces the step with this id by a new one. */
    Step newStep(String stepId) {
        Step step = new Step();
        steps.put(stepId, step);
        return step;
    }

    /** {@code {type:"data-workflow", id, data:{name, status, steps, output}}}. */
    ObjectNode workflowChunk(String type, JsonNode status, boolean includeOutputs, JsonNode output) {
        ObjectNode stepsJson = Json.object();
        steps.forEach((id, step) -> stepsJson.set(id, step.toJson(includeOutputs)));
        ObjectNode data = Json.object();
        Step.put(data, "name", name);
        Step.put(data, "status", status);
        data.set("steps", stepsJson);
        UiChunks.putOrNull(data, "output", output);
        ObjectNode out = UiChunks.typed(type);
        runId.ifPresent(id -> out.put("id", id));
        out.set("data", data);
        return out;
    }

    /** {@code {type:"data-workflow-step", id:"<runId>:<stepId>", data:{name, status, stepId, step}}}. */
    ObjectNode stepChunk(String type, String status, String stepId) {
        ObjectNode data = Json.object();
        Step.put(data, "name", name);
        data.put("status", status);
        data.put("stepId", stepId);
        data.set("step", step(stepId).toJson(true));
        ObjectNode out = UiChunks.typed(type);
        out.put("id", runId.orElse("undefined") + ":" + stepId);
        out.set("data", data);
        return out;
    }

    static JsonNode text(String value) {
        return TextNode.valueOf(value);
    }
}
