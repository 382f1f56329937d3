package dev.runstream.core.fold;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.ChunkFrom;
import dev.runstream.core.chunk.ChunkView;
import dev.runstream.core.chunk.ChunkView.*;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.chunk.Usage;
import dev.runstream.core.fold.ToolCallSummary.Outcome;
import dev.runstream.core.json.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * The one fold from a run's chunks to its {@link RunSummary}, computed as Mastra's own promises compute it. Used in
 * memory by {@code RunStream} and the CLI, and per record by the Kafka Streams aggregator.
 *
 * <p>Counting: a summary counts every position up to its last chunk's sequence number. The persisted changelog
 * leaves transient chunks out, so positions missing from a fold's input count as transient chunks: a summary
 * folded from the changelog has the same {@code chunkCount} and {@code transientCount} as one folded from the run's
 * whole stream.
 *
 * <p>The fold is pure and idempotent per position: a chunk whose sequence number is not above the summary's
 * {@code lastSequence} has been folded in already and is ignored, so a redelivered record counts once.
 *
 * <p>Abandonment: {@link #abandon} marks a running run whose writer went silent; a chunk folded in after that
 * resumes it as running before it is applied, so the summary goes on as if it had never been abandoned.
 */
public final class RunFold {

    private RunFold() {
    }

    /** The summary after {@code chunk}. Chunks of another run are refused. */
    public static RunSummary fold(RunSummary summary, StoredChunk chunk) {
        if (!summary.runId().equals(chunk.runId())) {
            throw new IllegalArgumentException("chunk of run '" + chunk.runId() + "' folded into the summary of run '"
                    + summary.runId() + "'");
        }
        if (chunk.sequence() <= summary.lastSequence()) {
            return summary;
        }
        RunSummary.Builder b = summary.toBuilder();
        apply(b, chunk);
        return b.build();
    }

    /**
     * The summary of a running run whose writer is taken to be gone: status {@link RunStatus#ABANDONED}, everything
     * else as it was (usage, text and counts stay those of the chunks folded in). Only a {@link RunStatus#RUNNING}
     * run is abandoned: any other is returned as it is, since a terminal run has ended and a suspended, paused,
     * waiting or pending one waits, legitimately, for a person or an event.
     */
    public static RunSummary abandon(RunSummary summary) {
        if (summary.status() != RunStatus.RUNNING) {
            return summary;
        }
        RunSummary.Builder b = summary.toBuilder();
        b.status = RunStatus.ABANDONED;
        return b.build();
    }

    /**
     * The summary once {@code request} asked for the run to be canceled: the request is recorded ({@link
     * RunSummary#cancel()}), the status is left as it is: the run ends when its chunks say so (Mastra's {@code abort}
     * then {@code finish}, or a workflow's {@code workflow-canceled}). Only the first request counts, and only while
     * the run has not ended: a request for a terminal run, or after another, returns the summary as it is.
     */
    public static RunSummary requestCancel(RunSummary summary, CancelRequest request) {
        Objects.requireNonNull(request, "request");
        if (summary.isTerminal() || summary.cancel().isPresent()) {
            return summary;
        }
        RunSummary.Builder b = summary.toBuilder();
        b.cancel = request;
        return b.build();
    }

    /** A running fold for one run, for callers that fold many chunks and look at the summary now and then. */
    public static Accumulator accumulator(String runId) {
        return new Accumulator(RunSummary.empty(runId));
    }

    /** Mutable, single-threaded: folds chunk after chunk without copying the summary each time. */
    public static final class Accumulator {
        private final RunSummary.Builder builder;

        private Accumulator(RunSummary start) {
            this.builder = start.toBuilder();
        }

        public Accumulator accept(StoredChunk chunk) {
            Objects.requireNonNull(chunk, "chunk");
            if (!builder.runId.equals(chunk.runId())) {
                throw new IllegalArgumentException("chunk of run '" + chunk.runId() + "' folded into run '"
                        + builder.runId + "'");
            }
            if (chunk.sequence() > builder.lastSequence) {
                apply(builder, chunk);
            }
            return this;
        }

        public RunSummary summary() {
            return builder.build();
        }
    }

    private static void apply(RunSummary.Builder b, StoredChunk stored) {
        Chunk chunk = stored.chunk();
        Instant at = stored.timestamp();
        if (b.status == RunStatus.ABANDONED) {
            // The writer was not gone after all: the run goes on, and this chunk says what it comes to.
            b.status = RunStatus.RUNNING;
        }
        // Positions skipped since the last chunk were numbered by the writer but left out of this log: the
        // persisted changelog leaves out exactly the transient chunks, so they count as transient ones.
        long skipped = stored.sequence() - b.lastSequence - 1;
        b.lastSequence = stored.sequence();
        b.chunkCount += skipped + 1;
        b.transientCount += skipped + (chunk.isTransient() ? 1 : 0);
        if (b.firstChunkAt == null) {
            b.firstChunkAt = at;
        }
        b.lastChunkAt = at;
        classify(b, chunk);
        ChunkView view = chunk.view();
        if (b.status == RunStatus.SUSPENDED && resumes(view)) {
            b.status = RunStatus.RUNNING;
            b.finishedAt = null;
        }
        switch (view) {
            case RunStart s -> {
                b.name = s.agentId();
                b.status = RunStatus.RUNNING;
            }
            case TextDelta d -> {
                b.text.append(d.text());
                b.stepText.append(d.text());
            }
            case ReasoningDelta d -> b.reasoningText.append(d.text());
            case ToolCall t -> {
                b.stepHasTools = true;
                toolCall(b, t.toolCallId(), t.toolName(), Outcome.PENDING);
                legacyNestedAgentUsage(b, chunk.payload().path("output"));
            }
            case ToolResult r -> {
                b.stepHasTools = true;
                toolCall(b, r.toolCallId(), r.toolName(), r.isError() ? Outcome.ERROR : Outcome.SUCCESS);
            }
            case ToolError e -> toolCall(b, e.toolCallId(), e.toolName(), Outcome.ERROR);
            case ToolDenied d -> toolCall(b, d.toolCallId(), d.toolName(), Outcome.DENIED);
            case ToolApprovalRequest a -> {
                toolCall(b, a.toolCallId(), a.toolName(), Outcome.AWAITING_APPROVAL);
                suspend(b, at);
            }
            case ToolSuspended s -> {
                toolCall(b, s.toolCallId(), s.toolName(), Outcome.SUSPENDED);
                suspend(b, at);
            }
            case StepFinish f -> {
                b.usage = b.usage.plus(f.info().usage());
                b.steps.add(new StepSummary(Integer.toString(b.steps.size() + 1), f.info().reason().orElse(""),
                        f.info().usage()));
                b.lastStepText = b.stepText.toString();
                b.stepText.setLength(0);
                b.anyStepHadTools |= b.stepHasTools;
                b.stepHasTools = false;
            }
            case RunFinish f -> finish(b, f.info(), at);
            case RunError e -> {
                b.error = e.error();
                end(b, RunStatus.FAILED, "error", at);
            }
            case RunAbort a -> end(b, RunStatus.CANCELED, "aborted", at);
            case Tripwire t -> {
                b.error = Json.object().put("tripwire", t.reason());
                end(b, RunStatus.TRIPWIRE, "other", at);
            }
            case WorkflowStart w -> {
                b.name = w.workflowId();
                b.status = RunStatus.RUNNING;
                b.finishedAt = null;
                if (b.usage.isEmpty()) {
                    b.usage = WORKFLOW_USAGE_ZERO;
                }
            }
            case WorkflowStepStart s -> workflowStep(b, s.stepId(), "running", Usage.EMPTY);
            case WorkflowStepResult r -> {
                workflowStep(b, r.stepId(), r.status(), Usage.EMPTY);
                if (r.status().equals("failed")) {
                    b.status = r.tripwire() ? RunStatus.TRIPWIRE : RunStatus.FAILED;
                    if (b.error.isMissingNode() && !r.error().isMissingNode()) {
                        b.error = r.error();
                    }
                }
            }
            case WorkflowStepSuspended s -> {
                workflowStep(b, s.stepId(), "suspended", Usage.EMPTY);
                b.status = RunStatus.SUSPENDED;
            }
            case WorkflowStepOutput o -> nestedAgentUsage(b, o);
            case WorkflowCanceled c -> b.status = RunStatus.CANCELED;
            case WorkflowPaused p -> b.status = RunStatus.PAUSED;
            case WorkflowFinish f -> {
                RunStatus.parse(f.workflowStatus()).ifPresent(status -> b.status = status);
                if (!f.result().isMissingNode()) {
                    b.result = f.result();
                }
                if (b.error.isMissingNode() && f.metadata().hasNonNull("error")) {
                    b.error = f.metadata().get("error");
                }
                b.finishedAt = at;
            }
            default -> {
                // Other chunk types carry nothing the summary keeps.
            }
        }
    }

    /**
     * Mastra's {@code finish}: success unless the run failed or was canceled; the finish reason of the chunk, or
     * {@code aborted} after an abort; the text is the last step's when a tool step ran and the run was never
     * suspended, else all the text.
     */
    private static void finish(RunSummary.Builder b, ChunkView.FinishInfo info, Instant at) {
        if (b.status == RunStatus.CANCELED) {
            b.finishReason = "aborted";
        } else {
            info.reason().filter(reason -> !reason.isEmpty()).ifPresent(reason -> b.finishReason = reason);
            if (b.status != RunStatus.FAILED) {
                b.status = RunStatus.SUCCESS;
            }
        }
        if (b.anyStepHadTools && !b.wasSuspended) {
            b.text.setLength(0);
            b.text.append(b.lastStepText);
        }
        b.finishedAt = at;
    }

    private static final Usage WORKFLOW_USAGE_ZERO = Usage.zeros(Usage.Key.INPUT_TOKENS, Usage.Key.OUTPUT_TOKENS,
            Usage.Key.TOTAL_TOKENS, Usage.Key.REASONING_TOKENS, Usage.Key.CACHED_INPUT_TOKENS,
            Usage.Key.CACHE_CREATION_INPUT_TOKENS);

    private static void classify(RunSummary.Builder b, Chunk chunk) {
        if (chunk.from().filter(from -> from == ChunkFrom.NETWORK).isPresent()) {
            b.kind = RunKind.NETWORK;
        } else if (b.kind == RunKind.AGENT && chunk.type().startsWith("workflow-")) {
            b.kind = RunKind.WORKFLOW;
        }
    }

    /** Whether a chunk that follows a suspension means the run was resumed. */
    private static boolean resumes(ChunkView view) {
        return !(view instanceof ToolApprovalRequest || view instanceof ToolSuspended
                || view instanceof WorkflowStepSuspended || view instanceof WorkflowFinish);
    }

    private static void suspend(RunSummary.Builder b, Instant at) {
        b.status = RunStatus.SUSPENDED;
        b.wasSuspended = true;
        b.finishReason = "suspended";
        b.finishedAt = at;
    }

    /** An error, abort or tripwire: the later one wins, as in Mastra. */
    private static void end(RunSummary.Builder b, RunStatus status, String finishReason, Instant at) {
        b.status = status;
        b.finishReason = finishReason;
        b.finishedAt = at;
    }

    private static void toolCall(RunSummary.Builder b, String id, String name, Outcome outcome) {
        for (int i = 0; i < b.toolCalls.size(); i++) {
            ToolCallSummary call = b.toolCalls.get(i);
            if (call.toolCallId().equals(id)) {
                b.toolCalls.set(i, outcome == Outcome.PENDING ? call : call.withOutcome(outcome));
                return;
            }
        }
        b.toolCalls.add(new ToolCallSummary(id, name, outcome));
    }

    private static void workflowStep(RunSummary.Builder b, String stepId, String status, Usage addedUsage) {
        for (int i = 0; i < b.steps.size(); i++) {
            StepSummary step = b.steps.get(i);
            if (step.name().equals(stepId)) {
                b.steps.set(i, new StepSummary(stepId, status.isEmpty() ? step.status() : status,
                        addedUsage.isEmpty() ? step.usage() : step.usage().plus(addedUsage)));
                return;
            }
        }
        b.steps.add(new StepSummary(stepId, status, addedUsage));
    }

    /** A legacy nested agent's {@code finish} carried in a {@code tool-call}'s output counts, as in Mastra. */
    private static void legacyNestedAgentUsage(RunSummary.Builder b, JsonNode output) {
        if ("AGENT".equals(output.path("from").asText(null)) && "finish".equals(output.path("type").asText(null))) {
            b.usage = b.usage.plus(Usage.fromJson(output.path("payload").get("usage")));
        }
    }

    /** Mastra counts a workflow's usage from the {@code finish} chunks of agents nested in its steps. */
    private static void nestedAgentUsage(RunSummary.Builder b, WorkflowStepOutput output) {
        JsonNode nested = output.output();
        if (!"finish".equals(nested.path("type").asText(null))) {
            return;
        }
        JsonNode payload = nested.path("payload");
        JsonNode usageJson = payload.has("usage") ? payload.get("usage") : payload.path("output").path("usage");
        Usage usage = Usage.fromWorkflowJson(usageJson);
        b.usage = b.usage.plus(usage);
        workflowStep(b, output.stepName(), "", usage);
    }
}
