package dev.runstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run id becomes part of a Kafka topic name and of the aggregator's pattern, so every hostile id is refused with
 * its reason — never rewritten — and the error message shows it escaped, so that it cannot forge a log line or turn
 * the terminal's text around.
 */
class RunIdsTest {

    static Stream<Arguments> hostileIds() {
        return Stream.of(
                Arguments.of("regex any and repeat", "a.*", "U+002A"),
                Arguments.of("regex alternation", "run-1|run-2", "U+007C"),
                Arguments.of("regex class", "run[0-9]", "U+005B"),
                Arguments.of("regex group", "(run)", "U+0028"),
                Arguments.of("regex anchors", "^run$", "U+005E"),
                Arguments.of("regex plus", "run+", "U+002B"),
                Arguments.of("regex question", "run?", "U+003F"),
                Arguments.of("regex braces", "run{2}", "U+007B"),
                Arguments.of("backslash", "run\\Q", "U+005C"),
                Arguments.of("path traversal", "../x", "U+002F"),
                Arguments.of("nested traversal", "a/../../b", "U+002F"),
                Arguments.of("dot", ".", "'.' and '..'"),
                Arguments.of("dot dot", "..", "'.' and '..'"),
                Arguments.of("percent-encoded traversal", "%2e%2e", "U+0025"),
                Arguments.of("colon", "a:b", "U+003A"),
                Arguments.of("comma (a topic list)", "a,b", "U+002C"),
                Arguments.of("empty", "", "empty"),
                Arguments.of("space", "run 1", "U+0020"),
                Arguments.of("blank", " ", "U+0020"),
                Arguments.of("tab", "\t", "U+0009"),
                Arguments.of("newline (a forged log line)", "run\nINFO fake", "U+000A"),
                Arguments.of("NUL", "run\u0000", "U+0000"),
                Arguments.of("129 characters", "r".repeat(RunIds.MAX_LENGTH + 1), "longer than 128"),
                Arguments.of("10 000 characters", "r".repeat(10_000), "longer than 128"),
                Arguments.of("Cyrillic a (look-alike)", "r\u0430n", "U+0430"),
                Arguments.of("fullwidth letters", "\uFF52\uFF55\uFF4E", "U+FF52"),
                Arguments.of("zero-width joiner", "ru\u200Dn", "U+200D"),
                Arguments.of("zero-width space", "run\u200B", "U+200B"),
                Arguments.of("right-to-left override", "run\u202Etxt.exe", "U+202E"),
                Arguments.of("emoji (surrogate pair)", "run\uD83D\uDE00", "U+D83D"),
                Arguments.of("reserved prefix", "--anchor", "reserved"),
                Arguments.of("reserved prefix alone", "--", "reserved"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileIds")
    void shouldRefuseAHostileRunIdNamingWhy(String name, String runId, String reason) {
        assertThat(RunIds.isValid(runId)).isFalse();
        assertThatThrownBy(() -> RunIds.requireValid(runId)).isInstanceOfSatisfying(InvalidRunIdException.class,
                e -> {
                    assertThat(e.runId()).isEqualTo(runId);
                    assertThat(e.getMessage()).contains(reason).hasSizeLessThan(400)
                            .doesNotContain("\n", "\t", "\u0000", "\u202E", "\u200D", "\u200B");
                    assertThat(e.getMessage().chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
                });
    }

    @ParameterizedTest
    @NullSource
    void shouldRefuseAMissingRunId(String runId) {
        assertThatThrownBy(() -> RunIds.requireValid(runId)).isInstanceOf(InvalidRunIdException.class)
                .hasMessageContaining("missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "run-1", "RUN_2", "00000000-0000-4000-8000-000000000001", "a.b.c", "...", "-x",
        "x--y", "x-", "_"})
    void shouldAcceptIdsOfTheAllowedCharacters(String runId) {
        assertThat(RunIds.requireValid(runId)).isSameAs(runId);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 64, RunIds.MAX_LENGTH})
    void shouldAcceptIdsUpToTheMaximumLength(int length) {
        assertThat(RunIds.isValid("r".repeat(length))).isTrue();
    }
}
