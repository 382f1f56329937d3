package dev.runstream.core.fold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.runstream.core.chunk.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a run came to, so far: the value {@link RunFold} computes from a run's chunks. Where Mastra's own promises
 * define a value ({@code text}, {@code usage}, {@code finishReason}, {@code status}, a workflow's {@code result}) this
 * equals it; where Mastra loses information the summary keeps what the chunks say (see the README).
 *
 * @param name            the agent id ({@code start}) or the workflow id ({@code workflow-start}); {@code ""} if none
 * @param text            the run's text as Mastra's {@code text} promise gives it
 * @param reasoningText   all reasoning deltas joined
 * @param usage           summed over steps (agent) or over nested agents (workflow)
 * @param error           the run's error as the chunks carry it, or a {@link MissingNode}
 * @param result          a workflow's final output ({@code finalWorkflowResult}), or a {@link MissingNode}
 * @param lastSequence    the sequence number of the last chunk folded in, {@code -1} before any
 * @param transientCount  how many of {@code chunkCount} were transient
 * @param cancel          the first request to cancel the run, while it had not ended ({@link RunFold#requestCancel})
 * @param foldState       what the fold needs to go on; not a summary value
 */
public record RunSummary(
        String runId,
        RunKind kind,
        RunStatus status,
        String name,
        String text,
        String reasoningText,
        Optional<String> finishReason,
        Usage usage,
        List<StepSummary> steps,
        List<ToolCallSummary> toolCalls,
        JsonNode error,
        JsonNode result,
        Optional<Instant> firstChunkAt,
        Optional<Instant> lastChunkAt,
        Optional<Instant> finishedAt,
        long chunkCount,
        long transientCount,
        long lastSequence,
        Optional<CancelRequest> cancel,
        FoldState foldState) {

    public RunSummary {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(reasoningText, "reasoningText");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
        steps = List.copyOf(steps);
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(firstChunkAt, "firstChunkAt");
        Objects.requireNonNull(lastChunkAt, "lastChunkAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(cancel, "cancel");
        Objects.requireNonNull(foldState, "foldState");
    }

    /** The summary of a run of which no chunk has been seen yet. */
    public static RunSummary empty(String runId) {
        return new RunSummary(runId, RunKind.AGENT, RunStatus.RUNNING, "", "", "", Optional.empty(), Usage.EMPTY,
                List.of(), List.of(), MissingNode.getInstance(), MissingNode.getInstance(), Optional.empty(),
                Optional.empty(), Optional.empty(), 0, 0, -1, Optional.empty(), FoldState.INITIAL);
    }

    /** How many steps the run took ({@code stepCount} in Mastra's terms for an agent). */
    public int stepCount() {
        return steps.size();
    }

    /** Whether the run has ended for good. */
    public boolean isTerminal() {
        return status.isTerminal();
    }

    Builder toBuilder() {
        return new Builder(this);
    }

    /** The mutable form {@link RunFold} works on; one per fold, never shared. */
    static final class Builder {
        final String runId;
        RunKind kind;
        RunStatus status;
        String name;
        final StringBuilder text;
        final StringBuilder reasoningText;
        String finishReason;
        Usage usage;
        final List<StepSummary> steps;
        final List<ToolCallSummary> toolCalls;
        JsonNode error;
        JsonNode result;
        Instant firstChunkAt;
        Instant lastChunkAt;
        Instant finishedAt;
        long chunkCount;
        long transientCount;
        long lastSequence;
        CancelRequest cancel;
        final StringBuilder stepText;
        String lastStepText;
        boolean stepHasTools;
        boolean anyStepHadTools;
        boolean wasSuspended;

        private Builder(RunSummary from) {
            runId = from.runId;
            kind = from.kind;
            status = from.status;
            name = from.name;
            text = new StringBuilder(from.text);
            reasoningText = new StringBuilder(from.reasoningText);
            finishReason = from.finishReason.orElse(null);
            usage = from.usage;
            steps = new ArrayList<>(from.steps);
            toolCalls = new ArrayList<>(from.toolCalls);
            error = from.error;
            result = from.result;
            firstChunkAt = from.firstChunkAt.orElse(null);
            lastChunkAt = from.lastChunkAt.orElse(null);
            finishedAt = from.finishedAt.orElse(null);
            chunkCount = from.chunkCount;
            transientCount = from.transientCount;
            lastSequence = from.lastSequence;
            cancel = from.cancel.orElse(null);
            stepText = new StringBuilder(from.foldState.stepText());
            lastStepText = from.foldState.lastStepText();
            stepHasTools = from.foldState.stepHasTools();
            anyStepHadTools = from.foldState.anyStepHadTools();
            wasSuspended = from.foldState.wasSuspended();
        }

        RunSummary build() {
            return new RunSummary(runId, kind, status, name, text.toString(), reasoningText.toString(),
                    Optional.ofNullable(finishReason), usage, steps, toolCalls, error, result,
                    Optional.ofNullable(firstChunkAt), Optional.ofNullable(lastChunkAt),
                    Optional.ofNullable(finishedAt), chunkCount, transientCount, lastSequence, Optional.ofNullable(cancel),
                    new FoldState(stepText.toString(), lastStepText, stepHasTools, anyStepHadTools, wasSuspended));
        }
    }
}
