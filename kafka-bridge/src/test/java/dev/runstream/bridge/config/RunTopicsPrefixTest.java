package dev.runstream.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.bridge.wire.RunTopics;
import dev.runstream.core.InvalidRunIdException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The topic prefix and run ids reach topic names and the aggregator's pattern: a prefix with anything but topic-name
 * characters is refused, the pattern quotes the prefix, and no valid prefix's topics are run topics of another's.
 */
class RunTopicsPrefixTest {

    private static final List<String> HOSTILE_RUN_IDS = List.of("a.*", "../x", "..", ".", "", " ", "x y", "a|b",
            "r\u0430n", "\uFF52un", "ru\u200Dn", "run\u202Etxt", "--anchor", "r".repeat(129), "run\n");

    @ParameterizedTest
    @ValueSource(strings = {"a.*", ".*", "a+", "a|b", "(a)", "[a]", "a{1}", "^a", "a$", "a?", "a\\Q", "a b", "",
        " ", ".", "..", "a/b", "../a", "a:b", "r\u0430n", "\uFF52un", "ru\u200Dn", "run\u202E", "a.run", "a.run.b",
        "x.y.run", "x.y.run.z"})
    void shouldRefuseAPrefixThatIsNoTopicNamePartOrWouldNestUnderAnother(String prefix) {
        assertThatThrownBy(() -> new RunTopics(prefix)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> new RunstreamConfig(Map.of(RunstreamConfig.PREFIX_CONFIG, prefix)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(RunstreamConfig.PREFIX_CONFIG);
    }

    @Test
    void shouldRefuseAPrefixLongerThanTheLimit() {
        assertThatThrownBy(() -> new RunTopics("p".repeat(RunTopics.MAX_PREFIX_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 100");
        assertThat(new RunTopics("p".repeat(RunTopics.MAX_PREFIX_LENGTH)).prefix()).hasSize(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"runstream", "run", "run.x", "prod.runstream", "a_b-c.d", "a.", "a..b", "a.running",
        "a.run-b", "a.rerun"})
    void shouldAcceptAPrefixOfTopicNameCharacters(String prefix) {
        assertThat(new RunTopics(prefix).runTopic("r-1")).isEqualTo(prefix + ".run.r-1");
    }

    /**
     * Topic names of other prefixes that an unquoted or careless pattern would take for runs of this one: the
     * {@code .} of a prefix is a regex wildcard, and a prefix ending in {@code .run} would nest.
     */
    @Test
    void shouldMatchOnlyItsOwnRunTopics() {
        RunTopics dotted = new RunTopics("iso.");
        assertThat(dotted.runIdOf("iso..run.r-1")).contains("r-1");
        for (String foreign : List.of("isoX.run.r-1", "iso0.run.r-1", "iso.Xrun.r-1", "iso..runXr-1",
                "iso..chunks", "iso..run-summaries", "iso..dead-letters", "iso..ingest", "iso.._schemas",
                "iso..run.", "iso..run." + "r".repeat(129), "xiso..run.r-1", "iso..run.r-1|other",
                "iso..run.r 1")) {
            assertThat(dotted.runIdOf(foreign)).as(foreign).isEmpty();
            assertThat(dotted.runTopicPattern().matcher(foreign).matches()).as(foreign).isFalse();
        }
        RunTopics plain = new RunTopics("a");
        for (RunTopics other : List.of(new RunTopics("a.b"), new RunTopics("ab"), new RunTopics("a_run"),
                new RunTopics("a.running"), new RunTopics("a.run-b"), new RunTopics("b.a"))) {
            for (String topic : List.of(other.runTopic("x"), other.chunks(), other.runSummaries(),
                    other.deadLetters(), other.ingest(), other.schemas())) {
                assertThat(plain.runIdOf(topic)).as("%s under prefix a", topic).isEmpty();
            }
        }
    }

    @Test
    void shouldRefuseEveryHostileRunIdBeforeItBecomesATopicName() {
        RunTopics topics = new RunTopics("runstream");
        for (String runId : HOSTILE_RUN_IDS) {
            assertThatThrownBy(() -> topics.runTopic(runId)).as(runId).isInstanceOf(InvalidRunIdException.class);
        }
        assertThatThrownBy(() -> topics.reservedRunTopic("anchor")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> topics.reservedRunTopic("--a*")).isInstanceOf(IllegalArgumentException.class);
    }
}
