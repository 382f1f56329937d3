package dev.runstream.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FULL_TRANSITIVE compatibility of every top-level schema (the value of a topic) with every version of it ever
 * released, as committed under {@code src/test/resources/schema-history/<RecordName>/vN.avsc}: data written with any
 * released version must be readable with the current schema, and data written with the current schema must be
 * readable with every released version. See the module README for how to release a new version.
 */
class SchemaCompatibilityTest {

    static Stream<String> topLevelSchemaNames() {
        return SchemaCatalog.topLevelSchemas().keySet().stream();
    }

    @Test
    void shouldFindChunkRecordAndRunSummaryAsTopLevelSchemas() {
        assertThat(SchemaCatalog.topLevelSchemas().keySet()).contains("ChunkRecord", "RunSummary")
                .doesNotContain("Usage");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topLevelSchemaNames")
    void shouldHaveAtLeastOneReleasedVersionOfEveryTopLevelSchema(String name) {
        assertThat(SchemaCatalog.historyFiles(name))
                .as("%s has no history: add %s with the current schema (Schema.toString(true) of %s.SCHEMA$)", name,
                        SchemaCatalog.HISTORY.resolve(name).resolve("v1.avsc"), name)
                .isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topLevelSchemaNames")
    void shouldNumberReleasedVersionsFromOneWithoutGaps(String name) {
        List<Integer> expected = IntStream.rangeClosed(1, SchemaCatalog.historyFiles(name).size()).boxed().toList();
        assertThat(SchemaCatalog.historyFiles(name).keySet())
                .as("versions of %s under %s", name, SchemaCatalog.HISTORY.resolve(name))
                .containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topLevelSchemaNames")
    void shouldBeFullyTransitivelyCompatibleWithEveryReleasedVersion(String name) {
        Schema current = SchemaCatalog.generatedSchema(name);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Integer, Path> version : SchemaCatalog.historyFiles(name).entrySet()) {
            Schema released = SchemaCatalog.parseHistoryFile(version.getValue());
            assertThat(released.getFullName()).as("record in %s", version.getValue()).isEqualTo(current.getFullName());
            problems.addAll(SchemaCatalog.fullIncompatibilities(current, released,
                    name + " v" + version.getKey() + " (" + version.getValue() + ")"));
        }
        assertThat(problems)
                .withFailMessage("%s is not FULL_TRANSITIVE compatible with its released versions:%n  %s", name,
                        String.join(System.lineSeparator() + "  ", problems))
                .isEmpty();
    }

    @Test
    void shouldKeepNoHistoryOfSchemasThatAreNotTopLevel() throws IOException {
        SortedMap<String, Schema> topLevel = SchemaCatalog.topLevelSchemas();
        try (Stream<Path> dirs = Files.list(SchemaCatalog.HISTORY)) {
            assertThat(dirs.map(dir -> dir.getFileName().toString()))
                    .as("history folders under %s", SchemaCatalog.HISTORY)
                    .allSatisfy(dir -> assertThat(topLevel).containsKey(dir));
        }
    }

    @Test
    void shouldReportAnIncompatibilityInBothDirectionsNamingTheVersion() {
        Schema released = SchemaBuilder.record("RunSummary").namespace(SchemaCatalog.NAMESPACE).fields()
                .requiredString("runId")
                .endRecord();
        Schema changed = SchemaBuilder.record("RunSummary").namespace(SchemaCatalog.NAMESPACE).fields()
                .requiredString("runId")
                .requiredString("tenant")
                .endRecord();

        List<String> problems = SchemaCatalog.fullIncompatibilities(changed, released, "RunSummary v7");

        assertThat(problems).singleElement().asString()
                .contains("RunSummary v7", "backward", "READER_FIELD_MISSING_DEFAULT_VALUE", "tenant");
    }

    @Test
    void shouldReportAForwardIncompatibilityWhenAUnionLosesABranch() {
        Schema released = SchemaBuilder.record("R").namespace(SchemaCatalog.NAMESPACE).fields()
                .name("body").type().unionOf().stringType().and().longType().endUnion().noDefault()
                .endRecord();
        Schema changed = SchemaBuilder.record("R").namespace(SchemaCatalog.NAMESPACE).fields()
                .name("body").type().unionOf().stringType().and().longType().and().booleanType().endUnion()
                .noDefault()
                .endRecord();

        assertThat(SchemaCatalog.fullIncompatibilities(changed, released, "R v1")).singleElement().asString()
                .contains("R v1 cannot read data written with the current schema (forward)", "MISSING_UNION_BRANCH");
    }

    @Test
    void shouldAcceptAnOptionalFieldWithANullDefault() {
        Schema released = SchemaBuilder.record("R").namespace(SchemaCatalog.NAMESPACE).fields()
                .requiredString("runId")
                .endRecord();
        Schema changed = SchemaBuilder.record("R").namespace(SchemaCatalog.NAMESPACE).fields()
                .requiredString("runId")
                .optionalString("note")
                .endRecord();

        assertThat(SchemaCatalog.fullIncompatibilities(changed, released, "R v1")).isEmpty();
    }
}
