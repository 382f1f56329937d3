package dev.runstream.core.fold;

import static dev.runstream.core.testing.Chunks.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.ToolCallSummary.Outcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fold on runs the corpus does not show, as Mastra 1.71's MastraModelOutput resolves them. */
class RunFoldTest {

    private static RunSummary fold(Chunk... chunks) {
        RunFold.Accumulator accumulator = RunFold.accumulator(RUN);
        for (int i = 0; i < chunks.length; i++) {
            accumulator.accept(new StoredChunk(RUN, i, Instant.ofEpochMilli(1000 + i), chunks[i]));
        }
        return accumulator.summary();
    }

    @Test
    void shouldTakeTheLastStepsTextWhenAToolStepNarratedBeforeTheCall() {
        RunSummary summary = fold(start(), stepStart(), text("Let me check. "), toolCall("c1", "weather"),
                toolResult("c1", "weather"), stepFinish("tool-calls", 10, 2), stepStart(), text("It is sunny."),
                stepFinish("stop", 20, 3), finish("stop", 30, 5));
        assertThat(summary.text()).isEqualTo("It is sunny.");
        assertThat(summary.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(summary.usage().inputTokens()).hasValue(30);
        assertThat(summary.usage().outputTokens()).hasValue(5);
        assertThat(summary.steps()).extracting(StepSummary::status).containsExactly("tool-calls", "stop");
        assertThat(summary.toolCalls()).containsExactly(new ToolCallSummary("c1", "weather", Outcome.SUCCESS));
    }

    @Test
    void shouldJoinAllTextWhenNoStepUsedATool() {
        RunSummary summary = fold(start(), stepStart(), text("a"), stepFinish("length", 1, 1), stepStart(),
                text("b"), stepFinish("stop", 1, 1), finish("stop", 2, 2));
        assertThat(summary.text()).isEqualTo("ab");
        assertThat(summary.finishReason()).contains("stop");
    }

    @Test
    void shouldShowTheTextSoFarWhileTheRunIsGoing() {
        RunSummary summary = fold(start(), stepStart(), text("Hel"), text("lo"));
        assertThat(summary.text()).isEqualTo("Hello");
        assertThat(summary.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(summary.finishReason()).isEmpty();
        assertThat(summary.finishedAt()).isEmpty();
    }

    @Test
    void shouldCancelAnAbortedRunAndKeepAbortedOverTheFollowingTripwireFinish() {
        RunSummary summary = fold(start(), stepStart(), text("x"), agent("abort", "{}"), finish("tripwire", 0, 0));
        assertThat(summary.status()).isEqualTo(RunStatus.CANCELED);
        assertThat(summary.finishReason()).contains("aborted");
        assertThat(summary.usage().isEmpty()).isTrue();
        assertThat(summary.stepCount()).isZero();
        assertThat(summary.text()).isEqualTo("x");
    }

    @Test
    void shouldFailARunWhoseErrorHasNoFinishAfterIt() {
        RunSummary summary = fold(start(), stepStart(), text("partial"),
                agent("error", "{\"error\":{\"message\":\"boom\",\"name\":\"Error\"}}"));
        assertThat(summary.status()).isEqualTo(RunStatus.FAILED);
        assertThat(summary.finishReason()).contains("error");
        assertThat(summary.error().path("message").asText()).isEqualTo("boom");
        assertThat(summary.finishedAt()).contains(Instant.ofEpochMilli(1003));
    }

    @Test
    void shouldEndATripwiredRunWithFinishReasonOther() {
        RunSummary summary = fold(start(), stepStart(), text("bad"),
                Chunk.of((com.fasterxml.jackson.databind.node.ObjectNode) dev.runstream.core.testing.Corpus
                        .parse("{\"type\":\"tripwire\",\"payload\":{\"reason\":\"blocked\"}}")).attributedTo(RUN));
        assertThat(summary.status()).isEqualTo(RunStatus.TRIPWIRE);
        assertThat(summary.finishReason()).contains("other");
        assertThat(summary.error().path("tripwire").asText()).isEqualTo("blocked");
    }

    @Test
    void shouldTrackParallelToolCallsByIdWhateverTheOrderOfTheirResults() {
        RunSummary summary = fold(start(), stepStart(), toolCall("c1", "time"), toolCall("c2", "weather"),
                toolCall("c3", "weather"), toolResult("c2", "weather"),
                agent("tool-error", "{\"toolCallId\":\"c3\",\"toolName\":\"weather\",\"error\":{\"name\":\"E\"}}"),
                toolResult("c1", "time"));
        assertThat(summary.toolCalls()).containsExactly(
                new ToolCallSummary("c1", "time", Outcome.SUCCESS),
                new ToolCallSummary("c2", "weather", Outcome.SUCCESS),
                new ToolCallSummary("c3", "weather", Outcome.ERROR));
    }

    @Test
    void shouldResumeASuspendedRunAndFinishItWithAllTextJoined() {
        RunSummary suspended = fold(start(), stepStart(), text("Deleting. "), toolCall("c1", "delete"),
                agent("tool-call-approval", "{\"toolCallId\":\"c1\",\"toolName\":\"delete\",\"args\":{},"
                        + "\"resumeSchema\":\"{}\"}"));
        assertThat(suspended.status()).isEqualTo(RunStatus.SUSPENDED);
        assertThat(suspended.finishReason()).contains("suspended");
        assertThat(suspended.toolCalls()).extracting(ToolCallSummary::outcome)
                .containsExactly(Outcome.AWAITING_APPROVAL);

        RunSummary resumed = suspended;
        List<Chunk> leg2 = List.of(toolResult("c1", "delete"), stepFinish("tool-calls", 5, 1), stepStart(),
                text("Done."), stepFinish("stop", 6, 1), finish("stop", 11, 2));
        long sequence = suspended.lastSequence();
        for (Chunk chunk : leg2) {
            resumed = RunFold.fold(resumed, new StoredChunk(RUN, ++sequence, Instant.ofEpochMilli(5000), chunk));
            assertThat(resumed.status()).isIn(RunStatus.RUNNING, RunStatus.SUCCESS);
        }
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(resumed.text()).isEqualTo("Deleting. Done.");
        assertThat(resumed.usage().totalTokens()).hasValue(13);
    }

    @Test
    void shouldCountTransientChunksAndAttributeDataChunksToTheRun() {
        RunSummary summary = fold(start(), json("{\"type\":\"data-log\",\"data\":{\"l\":1},\"transient\":true}"),
                json("{\"type\":\"data-progress\",\"data\":{\"pct\":5}}"));
        assertThat(summary.chunkCount()).isEqualTo(3);
        assertThat(summary.transientCount()).isEqualTo(1);
    }

    @Test
    void shouldCountPositionsMissingFromThePersistedLogAsTransientChunks() {
        RunSummary summary = RunSummary.empty(RUN);
        summary = RunFold.fold(summary, new StoredChunk(RUN, 0, Instant.EPOCH, start()));
        summary = RunFold.fold(summary, new StoredChunk(RUN, 3, Instant.EPOCH, text("x")));
        assertThat(summary.chunkCount()).isEqualTo(4);
        assertThat(summary.transientCount()).isEqualTo(2);
    }

    @Test
    void shouldKeepUnknownChunkTypesCountedButUninterpreted() {
        RunSummary summary = fold(start(), agent("goal", "{\"objective\":\"x\"}"), agent("brand-new-type", "{}"));
        assertThat(summary.chunkCount()).isEqualTo(3);
        assertThat(summary.status()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void shouldRefuseAChunkOfAnotherRun() {
        assertThatThrownBy(() -> RunFold.fold(RunSummary.empty("other"),
                new StoredChunk(RUN, 0, Instant.EPOCH, start())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'run-1'").hasMessageContaining("'other'");
    }

    @Test
    void shouldSumANestedAgentsFinishIntoTheWorkflowAndItsStep() {
        RunSummary summary = fold(
                json("{\"type\":\"workflow-start\",\"runId\":\"run-1\",\"from\":\"WORKFLOW\",\"payload\":{\"workflowId\":\"w\"}}"),
                json("{\"type\":\"workflow-step-start\",\"runId\":\"run-1\",\"from\":\"WORKFLOW\",\"payload\":{\"id\":\"s\",\"stepName\":\"s\",\"status\":\"running\"}}"),
                json("{\"type\":\"workflow-step-output\",\"runId\":\"run-1\",\"from\":\"USER\",\"payload\":{\"stepName\":\"s\",\"output\":{\"type\":\"finish\",\"from\":\"AGENT\",\"payload\":{\"output\":{\"usage\":{\"promptTokens\":\"7\",\"completionTokens\":3}}}}}}"),
                json("{\"type\":\"workflow-step-result\",\"runId\":\"run-1\",\"from\":\"WORKFLOW\",\"payload\":{\"id\":\"s\",\"status\":\"failed\",\"error\":{\"message\":\"x\"}}}"),
                json("{\"type\":\"workflow-finish\",\"runId\":\"run-1\",\"from\":\"WORKFLOW\",\"payload\":{\"workflowStatus\":\"failed\",\"metadata\":{}}}"));
        assertThat(summary.kind()).isEqualTo(RunKind.WORKFLOW);
        assertThat(summary.status()).isEqualTo(RunStatus.FAILED);
        assertThat(summary.usage().inputTokens()).hasValue(7);
        assertThat(summary.usage().outputTokens()).hasValue(3);
        assertThat(summary.steps()).singleElement().satisfies(step -> {
            assertThat(step.name()).isEqualTo("s");
            assertThat(step.status()).isEqualTo("failed");
            assertThat(step.usage().inputTokens()).hasValue(7);
        });
        assertThat(summary.error().path("message").asText()).isEqualTo("x");
        assertThat(summary.result().isMissingNode()).isTrue();
    }

    @Test
    void shouldAbandonARunningRunAndKeepEverythingElseAsItWas() {
        RunSummary running = fold(start(), stepStart(), text("Hel"), stepFinish("stop", 3, 4));

        RunSummary abandoned = RunFold.abandon(running);

        assertThat(abandoned.status()).isEqualTo(RunStatus.ABANDONED);
        assertThat(abandoned.isTerminal()).as("a late chunk can still resume it").isFalse();
        assertThat(abandoned).usingRecursiveComparison().ignoringFields("status").isEqualTo(running);
    }

    @Test
    void shouldLeaveRunsThatAreNotRunningAsTheyAre() {
        RunSummary suspended = fold(start(), toolCall("c1", "delete"), agent("tool-call-approval",
                "{\"toolCallId\":\"c1\",\"toolName\":\"delete\",\"args\":{},\"resumeSchema\":\"{}\"}"));
        RunSummary finished = fold(start(), text("x"), finish("stop", 1, 1));

        assertThat(RunFold.abandon(suspended)).isSameAs(suspended);
        assertThat(RunFold.abandon(finished)).isSameAs(finished);
    }

    @Test
    void shouldResumeAnAbandonedRunOnALateChunkWithoutCountingUsageTwice() {
        Chunk[] all = {start(), stepStart(), text("Hel"), stepFinish("tool-calls", 3, 4), stepStart(), text("lo"),
                stepFinish("stop", 5, 6), finish("stop", 8, 10)};
        RunSummary summary = fold(java.util.Arrays.copyOf(all, 4));
        summary = RunFold.abandon(summary);

        summary = RunFold.fold(summary, new StoredChunk(RUN, 4, Instant.ofEpochMilli(9000), all[4]));
        assertThat(summary.status()).isEqualTo(RunStatus.RUNNING);
        for (int i = 5; i < all.length; i++) {
            summary = RunFold.fold(summary, new StoredChunk(RUN, i, Instant.ofEpochMilli(9000 + i), all[i]));
        }

        RunSummary neverAbandoned = fold(all);
        assertThat(summary).usingRecursiveComparison().ignoringFields("lastChunkAt", "finishedAt")
                .isEqualTo(neverAbandoned);
        assertThat(summary.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(summary.usage().totalTokens()).hasValue(18);
    }

    @Test
    void shouldStayAbandonedWhenOnlyARedeliveredChunkArrives() {
        RunSummary abandoned = RunFold.abandon(fold(start(), text("a"), text("b")));

        RunSummary after = RunFold.fold(abandoned, new StoredChunk(RUN, 1, Instant.ofEpochMilli(9000), text("a")));

        assertThat(after).isSameAs(abandoned);
    }

    private static final CancelRequest CANCEL = new CancelRequest("c-1", "admin", Instant.ofEpochMilli(5000), "stop");

    @Test
    void shouldRecordACancelRequestAndLeaveTheStatusToTheChunksThatFollow() {
        RunSummary requested = RunFold.requestCancel(fold(start(), stepStart(), text("x")), CANCEL);
        assertThat(requested.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(requested.cancel()).contains(CANCEL);

        RunSummary ended = RunFold.fold(RunFold.fold(requested,
                new StoredChunk(RUN, 3, Instant.ofEpochMilli(6000), agent("abort", "{}"))),
                new StoredChunk(RUN, 4, Instant.ofEpochMilli(6001), finish("abort", 0, 0)));
        assertThat(ended.status()).isEqualTo(RunStatus.CANCELED);
        assertThat(ended.finishReason()).contains("aborted");
        assertThat(ended.cancel()).contains(CANCEL);
        assertThat(ended.text()).isEqualTo("x");
    }

    @Test
    void shouldKeepTheFirstCancelRequestAndIgnoreOneForAnEndedRun() {
        RunSummary first = RunFold.requestCancel(fold(start()), CANCEL);
        RunSummary second = RunFold.requestCancel(first,
                new CancelRequest("c-2", "cli", Instant.ofEpochMilli(7000), ""));
        assertThat(second).isSameAs(first);

        RunSummary finished = fold(start(), stepStart(), text("x"), stepFinish("stop", 1, 1), finish("stop", 1, 1));
        assertThat(RunFold.requestCancel(finished, CANCEL)).isSameAs(finished);
    }

    @Test
    void shouldSayWhoAskedInTheSummaryJson() {
        RunSummary requested = RunFold.requestCancel(fold(start()), CANCEL);
        assertThat(RunSummaryJson.toJson(requested).get("cancel").toString()).isEqualTo(
                "{\"cancelId\":\"c-1\",\"requestedBy\":\"admin\",\"requestedAt\":\"1970-01-01T00:00:05Z\","
                        + "\"reason\":\"stop\"}");
        assertThat(RunSummaryJson.toJson(fold(start())).has("cancel")).isFalse();
    }
}
