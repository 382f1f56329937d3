package dev.runstream.bridge.http.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.core.InvalidRunIdException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which run ids a token's selector reaches: exactly its run, or the ids that start with its prefix. */
class RunSelectorTest {

    @ParameterizedTest(name = "prefix {0} vs run {1}: {2}")
    @CsvSource({
            "tenant-4-, tenant-4-a, true",
            "tenant-4-, tenant-4-, true",
            "tenant-4-, tenant-42, false",
            "tenant-4-, tenant-4, false",
            "tenant-4-, Tenant-4-a, false",
            "tenant-4-, xtenant-4-a, false",
            "a., a.b.c, true",
            "a., ab, false",
            "a_, a_1, true",
    })
    void shouldMatchARunIdThatStartsWithThePrefix(String prefix, String runId, boolean matches) {
        assertThat(RunSelector.withPrefix(prefix).matches(runId)).isEqualTo(matches);
    }

    @ParameterizedTest(name = "run {0}")
    @CsvSource({"run-a, run-a, true", "run-a, run-ab, false", "run-a, run-, false", "run-a, RUN-A, false"})
    void shouldMatchOnlyTheRunItself(String run, String runId, boolean matches) {
        assertThat(RunSelector.exactly(run).matches(runId)).isEqualTo(matches);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "tenant-4", "-", "._", "--x-", "a/b-", "a b-", "\u0430-", ""})
    void shouldRefuseAPrefixThatCouldSurprise(String prefix) {
        assertThatThrownBy(() -> RunSelector.withPrefix(prefix)).isInstanceOfAny(IllegalArgumentException.class,
                InvalidRunIdException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../a", "a/b", "--anchor", "", ".", "a\u200bb"})
    void shouldRefuseARunThatIsNoRunId(String run) {
        assertThatThrownBy(() -> RunSelector.exactly(run)).isInstanceOf(InvalidRunIdException.class);
    }
}
