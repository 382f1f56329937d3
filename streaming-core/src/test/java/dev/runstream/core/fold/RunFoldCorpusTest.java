package dev.runstream.core.fold;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.testing.Corpus;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The fold equals what Mastra's own promises resolved to, on every corpus scenario. */
class RunFoldCorpusTest {

    static Stream<String> scenarios() {
        return Corpus.SCENARIOS.stream();
    }

    static Stream<String> resumedScenarios() {
        return Corpus.RESUMED_SCENARIOS.stream();
    }

    private static RunSummary fold(List<Chunk> chunks) {
        RunSummary summary = RunSummary.empty(Corpus.RUN_ID);
        for (StoredChunk chunk : Corpus.stored(chunks, 0)) {
            summary = RunFold.fold(summary, chunk);
        }
        return summary;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldEqualMastrasPromisesOnTheFirstLeg(String scenario) {
        RunSummary summary = fold(Corpus.chunks(scenario, "chunks.ndjson"));
        assertMatchesMastra(summary, Corpus.expected(scenario), Corpus.lines(scenario, "chunks.ndjson").size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resumedScenarios")
    void shouldContinueTheSameSummaryAcrossAResumedLeg(String scenario) {
        List<Chunk> both = new ArrayList<>(Corpus.chunks(scenario, "chunks.ndjson"));
        both.addAll(Corpus.chunks(scenario, "resumed.ndjson"));
        RunSummary summary = fold(both);
        assertMatchesMastra(summary, Corpus.resumedExpected(scenario).orElseThrow(), both.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldGiveTheSameSummaryFromTheAccumulatorAsFromTheFold(String scenario) {
        List<Chunk> chunks = Corpus.chunks(scenario, "chunks.ndjson");
        RunFold.Accumulator accumulator = RunFold.accumulator(Corpus.RUN_ID);
        Corpus.stored(chunks, 0).forEach(accumulator::accept);
        assertThat(accumulator.summary()).isEqualTo(fold(chunks));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldCountARedeliveredChunkOnce(String scenario) {
        List<StoredChunk> stored = Corpus.stored(Corpus.chunks(scenario, "chunks.ndjson"), 0);
        RunSummary once = RunSummary.empty(Corpus.RUN_ID);
        RunSummary twice = RunSummary.empty(Corpus.RUN_ID);
        for (StoredChunk chunk : stored) {
            once = RunFold.fold(once, chunk);
            twice = RunFold.fold(RunFold.fold(twice, chunk), chunk);
        }
        assertThat(twice).isEqualTo(once);
    }

    private static void assertMatchesMastra(RunSummary summary, JsonNode expected, int chunkCount) {
        assertThat(summary.chunkCount()).isEqualTo(chunkCount);
        assertThat(summary.lastSequence()).isEqualTo(chunkCount - 1);
        if (expected.has("text")) {
            assertThat(summary.kind()).isEqualTo(RunKind.AGENT);
            assertThat(summary.text()).as("text").isEqualTo(expected.get("text").textValue());
            assertThat(summary.finishReason()).as("finishReason").contains(expected.get("finishReason").textValue());
            assertThat(summary.usage().toJson()).as("usage").isEqualTo(expected.get("usage"));
            assertThat(summary.stepCount()).as("stepCount").isEqualTo(expected.get("stepCount").intValue());
            assertThat(summary.toolCalls()).extracting(ToolCallSummary::toolCallId).as("toolCalls")
                    .containsExactlyElementsOf(expected.get("toolCalls").findValuesAsText("toolCallId"));
            if (expected.has("status")) {
                assertThat(summary.status().jsonName()).as("status").isEqualTo(expected.get("status").textValue());
            }
            if (expected.has("error")) {
                assertThat(summary.error()).as("error").isEqualTo(expected.get("error"));
                assertThat(summary.status()).isEqualTo(RunStatus.FAILED);
            }
            if (expected.has("reasoningText")) {
                assertThat(summary.reasoningText()).isEqualTo(expected.get("reasoningText").textValue());
            }
        } else {
            assertThat(summary.kind()).isEqualTo(RunKind.WORKFLOW);
            assertThat(summary.status().jsonName()).as("status").isEqualTo(expected.get("status").textValue());
            assertThat(summary.usage().toJson()).as("usage").isEqualTo(expected.get("usage"));
            JsonNode result = expected.get("result");
            if (result.has("result")) {
                assertThat(summary.result()).as("result").isEqualTo(result.get("result"));
            } else {
                assertThat(summary.result().isMissingNode()).as("no result").isTrue();
            }
        }
    }
}
