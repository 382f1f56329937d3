package dev.runstream.bridge.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.runstream.bridge.avro.internal.BodyFields;
import dev.runstream.core.chunk.Usage;
import dev.runstream.core.fold.CancelRequest;
import dev.runstream.core.fold.FoldState;
import dev.runstream.core.fold.RunKind;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.fold.StepSummary;
import dev.runstream.core.fold.ToolCallSummary;
import dev.runstream.core.json.Json;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The one mapping between the core {@link RunSummary} and its Avro record {@link dev.runstream.avro.RunSummary}. */
public final class RunSummaryMapper {

    private static final BodyFields FIELDS = new BodyFields(Map.of());

    private RunSummaryMapper() {
    }

    public static dev.runstream.avro.RunSummary toRecord(RunSummary s) {
        return dev.runstream.avro.RunSummary.newBuilder()
                .setRunId(s.runId())
                .setKind(s.kind().jsonName())
                .setStatus(s.status().jsonName())
                .setName(s.name())
                .setText(s.text())
                .setReasoningText(s.reasoningText())
                .setFinishReason(s.finishReason().orElse(null))
                .setUsage(usage(s.usage()))
                .setSteps(s.steps().stream().map(step -> new dev.runstream.avro.StepSummary(step.name(),
                        step.status(), usage(step.usage()))).toList())
                .setToolCalls(s.toolCalls().stream().map(call -> new dev.runstream.avro.ToolCallSummary(
                        call.toolCallId(), call.toolName(), call.outcome().jsonName())).toList())
                .setErrorJson(json(s.error()))
                .setResultJson(json(s.result()))
                .setFirstChunkAt(s.firstChunkAt().orElse(null))
                .setLastChunkAt(s.lastChunkAt().orElse(null))
                .setFinishedAt(s.finishedAt().orElse(null))
                .setChunkCount(s.chunkCount())
                .setTransientCount(s.transientCount())
                .setLastSequence(s.lastSequence())
                .setFoldState(foldState(s.foldState()))
                .setCancel(s.cancel().map(c -> new dev.runstream.avro.CancelRequest(c.cancelId(), c.requestedBy(),
                        c.requestedAt(), c.reason())).orElse(null))
                .build();
    }

    public static RunSummary fromRecord(dev.runstream.avro.RunSummary r) {
        dev.runstream.avro.FoldState fold = r.getFoldState();
        return new RunSummary(r.getRunId(), RunKind.parse(r.getKind()),
                RunStatus.parse(r.getStatus()).orElseThrow(() -> new IllegalArgumentException(
                        "run '" + r.getRunId() + "': unknown status '" + r.getStatus() + "'")),
                r.getName(), r.getText(), r.getReasoningText(), Optional.ofNullable(r.getFinishReason()),
                usage(r.getUsage()),
                r.getSteps().stream().map(step -> new StepSummary(step.getName(), step.getStatus(),
                        usage(step.getUsage()))).toList(),
                r.getToolCalls().stream().map(call -> new ToolCallSummary(call.getToolCallId(), call.getToolName(),
                        ToolCallSummary.Outcome.parse(call.getOutcome()))).toList(),
                node(r.getErrorJson()), node(r.getResultJson()),
                Optional.ofNullable(r.getFirstChunkAt()), Optional.ofNullable(r.getLastChunkAt()),
                Optional.ofNullable(r.getFinishedAt()), r.getChunkCount(), r.getTransientCount(), r.getLastSequence(),
                Optional.ofNullable(r.getCancel()).map(c -> new CancelRequest(c.getCancelId(), c.getRequestedBy(),
                        c.getRequestedAt(), c.getReason())),
                fold == null ? FoldState.INITIAL : new FoldState(fold.getStepText(), fold.getLastStepText(),
                        fold.getStepHasTools(), fold.getAnyStepHadTools(), fold.getWasSuspended()));
    }

    static dev.runstream.avro.Usage usage(Usage usage) {
        dev.runstream.avro.Usage record = new dev.runstream.avro.Usage();
        FIELDS.fill(record, usage.toJson(), Set.of());
        return record;
    }

    static Usage usage(dev.runstream.avro.Usage record) {
        return record == null ? Usage.EMPTY : Usage.fromJson(FIELDS.toJson(record, Set.of()));
    }

    private static dev.runstream.avro.FoldState foldState(FoldState state) {
        return state.equals(FoldState.INITIAL) ? null : new dev.runstream.avro.FoldState(state.stepText(),
                state.lastStepText(), state.stepHasTools(), state.anyStepHadTools(), state.wasSuspended());
    }

    private static String json(JsonNode node) {
        return node.isMissingNode() ? null : Json.write(node);
    }

    private static JsonNode node(String json) {
        return json == null ? MissingNode.getInstance() : BodyFields.parse(json);
    }

}
