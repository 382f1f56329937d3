package dev.runstream.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.core.RunIds;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.stream.RunTermination;
import dev.runstream.core.testing.Corpus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkMixTest {

    private final ChunkMix mix = ChunkMix.corpus();

    @Test
    void shouldHoldEveryCorpusChunkButThoseThatEndARun() {
        String runId = ChunkMix.runId(7);
        List<Chunk> chunks = mix.chunksFor(runId);
        List<Chunk> corpus = mix.corpusFor(runId);

        assertThat(chunks).hasSize(mix.size()).noneMatch(RunTermination::endsStream);
        assertThat(corpus).hasSizeGreaterThan(chunks.size()).anyMatch(RunTermination::endsStream);
        assertThat(corpus.stream().filter(chunk -> !RunTermination.endsStream(chunk)).toList())
                .isEqualTo(chunks);
        assertThat(mix.meanJsonBytes()).isGreaterThan(100);
    }

    @Test
    void shouldMakeEveryChunkTheRunsOwn() {
        String runId = ChunkMix.runId(42);
        List<Chunk> all = new ArrayList<>(mix.chunksFor(runId));
        all.add(mix.startFor(runId));
        all.add(mix.textDeltaFor(runId));
        all.add(mix.finishFor(runId));

        assertThat(all).allSatisfy(chunk -> assertThat(chunk.runId()).contains(runId));
        assertThat(all).noneMatch(chunk -> chunk.json().toString().contains(Corpus.RUN_ID));
        assertThat(mix.textDeltaFor(runId).type()).isEqualTo("text-delta");
        assertThat(RunTermination.endsStream(mix.finishFor(runId))).isTrue();
    }

    @Test
    void shouldNameRunsLikeTheCorpusDoes() {
        assertThat(ChunkMix.runId(3)).hasSameSizeAs(Corpus.RUN_ID).isNotEqualTo(ChunkMix.runId(4));
        assertThat(RunIds.requireValid(ChunkMix.runId(999_999))).isNotEmpty();
    }

    @Test
    void shouldFoldALongRunOfTheMixWithoutLosingAChunk() {
        String runId = ChunkMix.runId(1);
        List<Chunk> chunks = mix.chunksFor(runId);
        RunFold.Accumulator fold = RunFold.accumulator(runId);
        int count = 5 * chunks.size();
        for (int i = 0; i < count; i++) {
            fold.accept(new dev.runstream.core.chunk.StoredChunk(runId, i, Instant.EPOCH,
                    chunks.get(i % chunks.size())));
        }
        fold.accept(new dev.runstream.core.chunk.StoredChunk(runId, count, Instant.EPOCH, mix.finishFor(runId)));
        RunSummary summary = fold.summary();

        assertThat(summary.lastSequence()).isEqualTo(count);
        assertThat(summary.isTerminal()).isTrue();
    }
}
