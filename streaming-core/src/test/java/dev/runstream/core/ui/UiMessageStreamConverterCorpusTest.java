package dev.runstream.core.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.json.Json;
import dev.runstream.core.testing.Corpus;
import dev.runstream.core.testing.JsonEquality;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The conversion gives, chunk for chunk, what {@code @mastra/ai-sdk}'s {@code toAISdkStream} gave on the corpus. */
class UiMessageStreamConverterCorpusTest {

    /** Scenario, input file, expected file, options. Every UI file of the corpus is listed once. */
    static Stream<Arguments> captures() {
        List<Arguments> captures = new ArrayList<>();
        UiStreamOptions v5 = UiStreamOptions.defaults();
        UiStreamOptions v6 = v5.toBuilder().version(UiStreamVersion.V6).build();
        UiStreamOptions v7 = v5.toBuilder().version(UiStreamVersion.V7).build();
        for (String scenario : Corpus.SCENARIOS) {
            for (String leg : List.of("", "resumed-")) {
                String input = leg.isEmpty() ? "chunks.ndjson" : "resumed.ndjson";
                add(captures, scenario, input, leg + "ui.ndjson", v5);
                add(captures, scenario, input, leg + "ui-v6.ndjson", v6);
                add(captures, scenario, input, leg + "ui-v7.ndjson", v7);
            }
        }
        add(captures, "agent-reasoning", "chunks.ndjson", "ui-send.ndjson",
                v5.toBuilder().sendReasoning(true).sendSources(true).build());
        return captures.stream();
    }

    private static void add(List<Arguments> captures, String scenario, String input, String expected,
            UiStreamOptions options) {
        if (Corpus.exists(scenario, input) && Corpus.exists(scenario, expected)) {
            captures.add(Arguments.of(scenario, input, expected, options));
        }
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("captures")
    void shouldProduceTheUiChunksOfToAiSdkStream(String scenario, String input, String expected,
            UiStreamOptions options) {
        List<ObjectNode> actual = UiMessageStreamConverter.convertAll(Corpus.chunks(scenario, input), options);
        assertChunkForChunk(actual, Corpus.jsonLines(scenario, expected));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("captures")
    void shouldProduceTheSameChunksWithTheSourceNamedAsWhenDetected(String scenario, String input, String expected,
            UiStreamOptions options) {
        UiStreamSource source = scenario.startsWith("workflow") ? UiStreamSource.WORKFLOW : UiStreamSource.AGENT;
        List<ObjectNode> actual = UiMessageStreamConverter.convertAll(Corpus.chunks(scenario, input),
                options.toBuilder().source(source).build());
        assertChunkForChunk(actual, Corpus.jsonLines(scenario, expected));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("captures")
    void shouldProduceTheSameChunksOneAtATimeAsAllAtOnce(String scenario, String input, String expected,
            UiStreamOptions options) {
        UiMessageStreamConverter converter = new UiMessageStreamConverter(options);
        List<ObjectNode> actual = new ArrayList<>();
        for (Chunk chunk : Corpus.chunks(scenario, input)) {
            actual.addAll(converter.accept(chunk));
        }
        actual.addAll(converter.end());
        assertThat(actual).isEqualTo(UiMessageStreamConverter.convertAll(Corpus.chunks(scenario, input), options));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("captures")
    void shouldLeaveTheConvertedChunksUnchanged(String scenario, String input, String expected,
            UiStreamOptions options) {
        List<Chunk> chunks = Corpus.chunks(scenario, input);
        List<String> before = chunks.stream().map(chunk -> Json.write(chunk.json())).toList();
        UiMessageStreamConverter.convertAll(chunks, options).forEach(ui -> ui.removeAll());
        assertThat(chunks.stream().map(chunk -> Json.write(chunk.json())).toList()).isEqualTo(before);
    }

    static void assertChunkForChunk(List<ObjectNode> actual, List<JsonNode> expected) {
        List<String> actualText = actual.stream().map(Json::write).toList();
        List<String> expectedText = expected.stream().map(Json::write).toList();
        assertThat(actual).as("UI chunk count%nactual:%n%s%nexpected:%n%s",
                String.join("\n", actualText), String.join("\n", expectedText)).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(JsonEquality.equal(actual.get(i), expected.get(i)))
                    .as("UI chunk %d%nactual:   %s%nexpected: %s", i + 1, actualText.get(i), expectedText.get(i))
                    .isTrue();
        }
    }
}
