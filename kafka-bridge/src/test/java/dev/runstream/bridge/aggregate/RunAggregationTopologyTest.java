package dev.runstream.bridge.aggregate;

import static dev.runstream.bridge.aggregate.TopologyFixture.assertSameSummary;
import static dev.runstream.bridge.aggregate.TopologyFixture.corpus;
import static dev.runstream.bridge.aggregate.TopologyFixture.expectedSummary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.registry.InMemorySchemaRegistry;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.testing.Corpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RunAggregationTopologyTest {

    private static final String PATTERN = RunstreamConfig.SOURCE_MODE_PATTERN;
    private static final String INGEST = RunstreamConfig.SOURCE_MODE_INGEST;

    @TempDir
    Path stateDir;

    static Stream<Arguments> scenariosInBothModes() {
        return Stream.of(PATTERN, INGEST)
                .flatMap(mode -> Corpus.SCENARIOS.stream().map(scenario -> Arguments.of(scenario, mode)));
    }

    @ParameterizedTest(name = "{0}, source.mode={1}")
    @MethodSource("scenariosInBothModes")
    void shouldSummariseEveryCorpusScenarioAsRunFoldDoes(String scenario, String mode) {
        List<StoredChunk> chunks = corpus(scenario, "chunks.ndjson", Corpus.RUN_ID, 0);
        try (TopologyFixture fixture = new TopologyFixture(mode, stateDir)) {
            fixture.publish(chunks);
            fixture.emitPendingSummaries();

            RunSummary expected = expectedSummary(Corpus.RUN_ID, chunks);
            assertSameSummary(fixture.stored(Corpus.RUN_ID), expected);
            Map<String, RunSummary> published = fixture.summaries.readKeyValuesToMap();
            assertThat(published).containsOnlyKeys(Corpus.RUN_ID);
            assertSameSummary(published.get(Corpus.RUN_ID), fixture.stored(Corpus.RUN_ID));
            assertThat(fixture.deadLetters.isEmpty()).isTrue();
        }
    }

    @ParameterizedTest(name = "source.mode={0}")
    @ValueSource(strings = {PATTERN, INGEST})
    void shouldDropTransientChunksFromPersistedLog(String mode) {
        List<StoredChunk> chunks = new ArrayList<>(corpus("agent-tool", "chunks.ndjson", "run-tool", 0));
        chunks.addAll(corpus("workflow", "chunks.ndjson", "run-workflow", 0));
        List<StoredChunk> persistent = chunks.stream().filter(c -> !c.chunk().isTransient()).toList();
        assertThat(persistent).as("the corpus has transient chunks to drop").hasSizeLessThan(chunks.size());
        try (TopologyFixture fixture = new TopologyFixture(mode, stateDir)) {
            List<byte[]> written = fixture.publish(chunks);

            List<KeyValue<String, byte[]>> log = fixture.chunks.readKeyValuesToList();
            assertThat(log).hasSize(persistent.size());
            for (int i = 0, j = 0; i < chunks.size(); i++) {
                if (!chunks.get(i).chunk().isTransient()) {
                    KeyValue<String, byte[]> record = log.get(j++);
                    assertThat(record.key).as("one key per chunk")
                            .isEqualTo(chunks.get(i).runId() + "/" + chunks.get(i).sequence());
                    assertThat(record.value).as("bytes unchanged").isEqualTo(written.get(i));
                    assertThat(fixture.chunkSerde.decode(record.value).getTransient$()).isFalse();
                }
            }
            for (String runId : List.of("run-tool", "run-workflow")) {
                RunSummary summary = fixture.stored(runId);
                assertThat(summary.chunkCount()).as("every position up to the last persisted chunk")
                        .isEqualTo(summary.lastSequence() + 1);
                assertThat(summary.transientCount()).as("the dropped positions count as transient")
                        .isPositive().isEqualTo(chunks.stream().filter(c -> c.runId().equals(runId))
                                .filter(c -> c.chunk().isTransient() && c.sequence() < summary.lastSequence())
                                .count());
            }
        }
    }

    @Test
    void shouldDropAChunkWithoutTheTransientHeaderByDecodingIt() {
        List<StoredChunk> chunks = corpus("agent-tool", "chunks.ndjson", "run-1", 0);
        try (TopologyFixture fixture = new TopologyFixture(PATTERN, stateDir)) {
            for (StoredChunk chunk : chunks) {
                fixture.pipe("run-1", "run-1", fixture.encode(chunk),
                        new org.apache.kafka.common.header.internals.RecordHeaders());
            }

            assertThat(fixture.chunks.readValuesToList()).map(fixture.chunkSerde::decode)
                    .extracting(ChunkRecord::getTransient$).hasSize((int) chunks.stream()
                            .filter(c -> !c.chunk().isTransient()).count()).containsOnly(false);
            assertSameSummary(fixture.stored("run-1"), expectedSummary("run-1", chunks));
        }
    }

    static Stream<String> resumedScenarios() {
        return Corpus.RESUMED_SCENARIOS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resumedScenarios")
    void shouldFoldAResumedLegIntoTheSameSummary(String scenario) {
        List<StoredChunk> first = corpus(scenario, "chunks.ndjson", "run-1", 0);
        List<StoredChunk> resumed = corpus(scenario, "resumed.ndjson", "run-1", first.size());
        List<StoredChunk> both = new ArrayList<>(first);
        both.addAll(resumed);
        try (TopologyFixture fixture = new TopologyFixture(PATTERN, stateDir)) {
            fixture.publish(first);
            RunSummary suspended = fixture.stored("run-1");
            fixture.publish(resumed);

            assertThat(suspended.status()).isEqualTo(RunStatus.SUSPENDED);
            assertSameSummary(fixture.stored("run-1"), expectedSummary("run-1", both));
            assertThat(fixture.stored("run-1").status()).isNotEqualTo(RunStatus.SUSPENDED);
        }
    }

    @Test
    void shouldCountARedeliveredChunkOnce() {
        List<StoredChunk> chunks = corpus("agent-text", "chunks.ndjson", "run-1", 0);
        try (TopologyFixture fixture = new TopologyFixture(PATTERN, stateDir)) {
            fixture.publish(chunks);
            fixture.publish(chunks.subList(2, 5));

            assertSameSummary(fixture.stored("run-1"), expectedSummary("run-1", chunks));
        }
    }

    @Test
    void shouldKeepInterleavedRunsApart() {
        List<StoredChunk> text = corpus("agent-text", "chunks.ndjson", "run-text", 0);
        List<StoredChunk> flow = corpus("workflow-agent", "chunks.ndjson", "run-flow", 0);
        try (TopologyFixture fixture = new TopologyFixture(INGEST, stateDir)) {
            for (int i = 0; i < Math.max(text.size(), flow.size()); i++) {
                if (i < text.size()) {
                    fixture.publish(List.of(text.get(i)));
                }
                if (i < flow.size()) {
                    fixture.publish(List.of(flow.get(i)));
                }
            }

            assertSameSummary(fixture.stored("run-text"), expectedSummary("run-text", text));
            assertSameSummary(fixture.stored("run-flow"), expectedSummary("run-flow", flow));
        }
    }

    @ParameterizedTest(name = "source.mode={0}")
    @ValueSource(strings = {PATTERN, INGEST})
    void shouldAggregateWithoutARepartitionTopic(String mode) {
        TopologyDescription description = RunAggregationTopology
                .build(TopologyFixture.config(mode), new InMemorySchemaRegistry()).describe();

        assertThat(description.subtopologies()).hasSize(2);
        assertThat(description.toString()).doesNotContain("repartition");
        assertThat(description.toString()).contains("Processor: fold-run (stores: [run-summaries])");
        assertThat(description.subtopologies()).allSatisfy(subtopology -> assertThat(subtopology.nodes())
                .filteredOn(node -> node instanceof TopologyDescription.Sink)
                .extracting(node -> ((TopologyDescription.Sink) node).topic())
                .allMatch(topic -> topic.startsWith(TopologyFixture.PREFIX + "."), "only Runstream's own topics"));
    }
}
