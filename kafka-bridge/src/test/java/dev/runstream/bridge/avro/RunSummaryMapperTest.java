package dev.runstream.bridge.avro;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.testing.Corpus;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RunSummaryMapperTest {

    static Stream<String> scenarios() {
        return Corpus.SCENARIOS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldMapEveryIntermediateSummaryOfEveryScenarioBothWays(String scenario) {
        RunSummary summary = RunSummary.empty(Corpus.RUN_ID);
        assertThat(RunSummaryMapper.fromRecord(RunSummaryMapper.toRecord(summary))).isEqualTo(summary);
        for (StoredChunk chunk : Corpus.stored(Corpus.chunks(scenario, "chunks.ndjson"), 0)) {
            summary = RunFold.fold(summary, chunk);
            RunSummary back = RunSummaryMapper.fromRecord(RunSummaryMapper.toRecord(summary));
            assertThat(back.usage().toJson()).isEqualTo(summary.usage().toJson());
            assertThat(back).usingRecursiveComparison().ignoringFields("usage", "steps").isEqualTo(summary);
            assertThat(back.steps()).hasSameSizeAs(summary.steps());
        }
    }

    @Test
    void shouldGoOnFoldingFromAMappedSummaryAsFromTheOriginal() {
        List<StoredChunk> chunks = new ArrayList<>(Corpus.stored(Corpus.chunks("agent-approval", "chunks.ndjson"), 0));
        List<StoredChunk> resumed = Corpus.stored(Corpus.chunks("agent-approval", "resumed.ndjson"), chunks.size());
        RunSummary direct = RunSummary.empty(Corpus.RUN_ID);
        RunSummary mapped = RunSummary.empty(Corpus.RUN_ID);
        chunks.addAll(resumed);
        for (StoredChunk chunk : chunks) {
            direct = RunFold.fold(direct, chunk);
            mapped = RunFold.fold(RunSummaryMapper.fromRecord(RunSummaryMapper.toRecord(mapped)), chunk);
        }
        assertThat(mapped.text()).isEqualTo(direct.text()).isEqualTo("I will delete it.Record rec-123 was deleted.");
        assertThat(mapped.usage().toJson()).isEqualTo(direct.usage().toJson());
        assertThat(mapped.status()).isEqualTo(direct.status());
    }
}
