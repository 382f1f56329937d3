package dev.runstream.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.ChunkDecodeException;
import dev.runstream.core.testing.Corpus;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MastraChunkCodecTest {

    static Stream<Arguments> corpusFiles() {
        return Corpus.SCENARIOS.stream().flatMap(scenario -> Stream.of("chunks.ndjson", "resumed.ndjson")
                .filter(file -> Corpus.exists(scenario, file))
                .map(file -> Arguments.of(scenario, file)));
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("corpusFiles")
    void shouldRoundTripEveryCorpusLineJsonEqual(String scenario, String file) {
        List<String> lines = Corpus.lines(scenario, file);
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            Chunk chunk = MastraChunkCodec.decode(line);
            JsonNode original = Corpus.parse(line);
            assertThat(Corpus.parse(MastraChunkCodec.encode(chunk))).isEqualTo(original);
            assertThat(MastraChunkCodec.decode(MastraChunkCodec.encodeBytes(chunk))).isEqualTo(chunk);
            assertThat(chunk.type()).isEqualTo(original.get("type").textValue());
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("corpusFiles")
    void shouldGiveEveryCorpusChunkTheCorpusRun(String scenario, String file) {
        for (Chunk chunk : Corpus.chunks(scenario, file)) {
            assertThat(chunk.runId()).contains(Corpus.RUN_ID);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"x\",\"n\":1.0}",
            "{\"type\":\"x\",\"n\":12345678901234567890123}",
            "{\"type\":\"x\",\"n\":0.1000000000000000055511151231257827}",
            "{\"type\":\"x\",\"s\":\"line\\u2028sep\\u2029para \\ud83d\\ude00\"}"})
    void shouldKeepNumbersAndStringsExactly(String json) {
        assertThat(MastraChunkCodec.encode(MastraChunkCodec.decode(json))).isEqualTo(json.replace("\\u2028", "\u2028")
                .replace("\\u2029", "\u2029").replace("\\ud83d\\ude00", "\ud83d\ude00"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "[]", "42", "\"text\"", "null", "{", "{\"type\":\"a\"} trailing",
            "{\"type\":\"a\",\"type\":\"b\"}"})
    void shouldRefuseWhatIsNotOneJsonObject(String json) {
        assertThatThrownBy(() -> MastraChunkCodec.decode(json)).isInstanceOf(ChunkDecodeException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}|type|missing",
            "{\"type\":7}|type|must be a non-empty string, was a number",
            "{\"type\":\"\"}|type|must be a non-empty string",
            "{\"type\":\"text-delta\",\"runId\":5}|runId|must be a string, was a number",
            "{\"type\":\"text-delta\",\"runId\":\"r1\",\"from\":[]}|from|must be a string, was an array",
            "{\"type\":\"data-x\",\"transient\":\"yes\"}|transient|must be a boolean, was a string",
            "{\"type\":\"text-delta\",\"runId\":\"r1\",\"payload\":\"hi\"}|payload|must be an object, was a string"})
    void shouldNameTheFieldAndReasonOfABadEnvelope(String testCase) {
        String[] parts = testCase.split("\\|");
        assertThatThrownBy(() -> MastraChunkCodec.decode(parts[0]))
                .isInstanceOfSatisfying(ChunkDecodeException.class, e -> {
                    assertThat(e.field()).contains(parts[1]);
                    assertThat(e.reason()).contains(parts[2]);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"text-delta\",\"runId\":\"r1\",\"payload\":5}"})
    void shouldNameTheRunOfABadChunkWhenItCarriesOne(String json) {
        assertThatThrownBy(() -> MastraChunkCodec.decode(json))
                .isInstanceOfSatisfying(ChunkDecodeException.class, e -> {
                    assertThat(e.runId()).contains("r1");
                    assertThat(e.getMessage()).contains("run 'r1'").contains("payload");
                });
    }
}
