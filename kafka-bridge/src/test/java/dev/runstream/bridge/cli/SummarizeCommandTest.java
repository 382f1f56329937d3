package dev.runstream.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.fold.RunSummaryJson;
import dev.runstream.core.testing.Corpus;
import dev.runstream.core.testing.JsonEquality;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SummarizeCommandTest {

    @TempDir
    Path dir;

    static Stream<String> scenarios() {
        return Corpus.SCENARIOS.stream();
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldPrintTheFoldOfEveryCorpusScenario(String scenario) throws IOException {
        Path chunks = file("chunks.ndjson", Corpus.text(scenario, "chunks.ndjson"));
        CliRun run = CliRun.of("summarize", chunks.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(1);
        JsonNode printed = Corpus.parse(run.outLines().getFirst());
        RunFold.Accumulator fold = RunFold.accumulator(Corpus.RUN_ID);
        Corpus.stored(Corpus.chunks(scenario, "chunks.ndjson"), 0).forEach(fold::accept);
        RunSummary expected = fold.summary();
        JsonNode expectedJson = RunSummaryJson.toJson(expected);
        for (String key : List.of("runId", "kind", "status", "text", "finishReason", "usage", "error", "result",
                "steps", "toolCalls", "chunkCount", "transientCount")) {
            assertThat(JsonEquality.equal(printed.get(key), expectedJson.get(key)))
                    .as("%s: %s vs %s", key, printed.get(key), expectedJson.get(key)).isTrue();
        }
        JsonNode mastra = Corpus.expected(scenario);
        if (mastra.has("text")) {
            assertThat(printed.get("text").textValue()).isEqualTo(mastra.get("text").textValue());
            assertThat(printed.get("kind").textValue()).isEqualTo("agent");
        } else {
            assertThat(printed.get("kind").textValue()).isEqualTo("workflow");
        }
    }

    @Test
    void shouldReportAMalformedLineByNumberAndStillSummarizeTheOthers() throws IOException {
        List<String> lines = new java.util.ArrayList<>(Corpus.lines("agent-text", "chunks.ndjson"));
        lines.add(3, "{\"type\":\"text-delta\",\"runId\":\"" + Corpus.RUN_ID + "\",\"payload\":{\"text\":\"x\"");
        lines.add(5, "[1,2]");
        Path chunks = file("bad.ndjson", String.join("\n", lines) + "\n");
        CliRun run = CliRun.of("summarize", chunks.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("line 4: ").contains("not valid JSON").contains("line 6: ")
                .contains("JSON object");
        JsonNode printed = Corpus.parse(run.outLines().getFirst());
        assertThat(printed.get("text").textValue()).isEqualTo("The capital of France is Paris.");
        assertThat(printed.get("status").textValue()).isEqualTo("success");
    }

    @Test
    void shouldGiveChunksWithoutARunIdTheNamedRun() throws IOException {
        Path chunks = file("data.ndjson", "{\"type\":\"data-x\",\"data\":1}\n{\"type\":\"data-y\",\"data\":2,"
                + "\"transient\":true}\n");
        CliRun run = CliRun.of("summarize", "--run-id", "my-run", chunks.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode printed = Corpus.parse(run.outLines().getFirst());
        assertThat(printed.get("runId").textValue()).isEqualTo("my-run");
        assertThat(printed.get("chunkCount").intValue()).isEqualTo(2);
        assertThat(printed.get("transientCount").intValue()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAChunkWithoutRunIdWhenNoRunIsNamed() throws IOException {
        Path chunks = file("data.ndjson", "{\"type\":\"data-x\",\"data\":1}\n");
        CliRun run = CliRun.of("summarize", chunks.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("line 1: ").contains("no runId").contains("--run-id");
    }

    @Test
    void shouldPrintOneSummaryPerRunOfAnInterleavedStream() throws IOException {
        StringBuilder both = new StringBuilder();
        List<String> a = Corpus.lines("agent-text", "chunks.ndjson");
        List<String> b = Corpus.lines("agent-tool", "chunks.ndjson").stream()
                .map(line -> line.replace(Corpus.RUN_ID, "run-b")).toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            if (i < a.size()) {
                both.append(a.get(i)).append('\n');
            }
            if (i < b.size()) {
                both.append(b.get(i)).append('\n');
            }
        }
        CliRun run = CliRun.of("summarize", file("both.ndjson", both.toString()).toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(2);
        assertThat(Corpus.parse(run.outLines().get(1)).get("text").textValue())
                .isEqualTo("It is 21°C and sunny in Paris.");
        assertThat(Corpus.parse(run.outLines().get(1)).get("runId").textValue()).isEqualTo("run-b");
    }

    @Test
    void shouldRefuseAnInvalidRunIdOption() throws IOException {
        Path chunks = file("c.ndjson", Corpus.text("agent-text", "chunks.ndjson"));
        CliRun run = CliRun.of("summarize", "--run-id", "a/b", chunks.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("invalid run id");
    }
}
