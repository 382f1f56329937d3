package dev.runstream.bridge.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompatibilityLevelTest {

    static final Schema V1 = SchemaBuilder.record("Run").namespace("dev.runstream.test").fields()
        .requiredString("runId").endRecord();
    static final Schema V2_WITH_DEFAULT = SchemaBuilder.record("Run").namespace("dev.runstream.test").fields()
        .requiredString("runId").name("status").type().stringType().stringDefault("running").endRecord();
    static final Schema V2_REQUIRED = SchemaBuilder.record("Run").namespace("dev.runstream.test").fields()
        .requiredString("runId").requiredString("status").endRecord();

    @ParameterizedTest(name = "{0}: add field with default {1}, add required field {2}")
    @CsvSource({
        "NONE,     true, true",
        "BACKWARD, true, false",
        "FORWARD,  true, true",
        "FULL,     true, false",
    })
    void shouldJudgeAddedFieldsLikeConfluent(CompatibilityLevel level, boolean withDefault, boolean required) {
        assertThat(level.violations(V2_WITH_DEFAULT, List.of(V1)).isEmpty()).isEqualTo(withDefault);
        assertThat(level.violations(V2_REQUIRED, List.of(V1)).isEmpty()).isEqualTo(required);
    }

    @Test
    void shouldCheckOnlyTheLatestVersionUnlessTransitive() {
        Schema v3 = SchemaBuilder.record("Run").namespace("dev.runstream.test").fields()
            .requiredString("status").endRecord();
        // v3 reads v2 (status present) but not v1 (no status, no default)
        List<Schema> registered = List.of(V1, V2_REQUIRED);

        assertThat(CompatibilityLevel.BACKWARD.violations(v3, registered)).isEmpty();
        assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.violations(v3, registered))
            .singleElement().asString().contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("status");
    }

    @Test
    void shouldNameSubjectsByRecordFullName() {
        assertThat(RecordNameStrategy.subjectFor(V1)).isEqualTo("dev.runstream.test.Run");
        assertThatThrownBy(() -> RecordNameStrategy.subjectFor(Schema.create(Schema.Type.STRING)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("STRING");
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource({
        "backward,              BACKWARD",
        "' Full_Transitive ',   FULL_TRANSITIVE",
        "NONE,                  NONE",
        "sideways,              ''",
        "'',                    ''",
    })
    void shouldParseLevelNamesInAnyCaseAsConfluentDoes(String name, String expected) {
        assertThat(CompatibilityLevel.parse(name))
            .isEqualTo(expected == null || expected.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(CompatibilityLevel.valueOf(expected)));
    }
}
