package dev.runstream.core.ui.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.core.testing.Corpus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsValuesTest {

    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource(delimiter = '|', value = {
            "0 | 0", "-0.0 | 0", "1 | 1", "1.0 | 1", "-2.5 | -2.5", "100 | 100", "123456789012 | 123456789012",
            "1e21 | 1e+21", "1.5e21 | 1.5e+21", "1e20 | 100000000000000000000", "0.000001 | 0.000001",
            "0.0000001 | 1e-7", "1.25e-10 | 1.25e-10", "0.30000000000000004 | 0.30000000000000004",
            "9007199254740993 | 9007199254740992", "12.5e1 | 125"})
    void shouldPrintNumbersAsJavaScriptDoes(String json, String printed) {
        assertThat(JsValues.string(Corpus.parse(json))).isEqualTo(printed);
    }

    @ParameterizedTest(name = "{0} is truthy: {1}")
    @CsvSource(delimiter = '|', value = {"true | true", "false | false", "0 | false", "0.0 | false", "2 | true",
            "'\"\"' | false", "'\"x\"' | true", "null | false", "{} | true", "[] | true"})
    void shouldJudgeTruthinessAsJavaScriptDoes(String json, boolean truthy) {
        assertThat(JsValues.truthy(Corpus.parse(json))).isEqualTo(truthy);
    }
}
