package dev.runstream.bridge.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunActivityIndexTest {

    private final RunActivityIndex index = new RunActivityIndex();

    /** A run's summary as the fold makes it: started, then finished or failed, its last chunk at {@code atMillis}. */
    private static RunSummary summary(String runId, RunStatus status, long atMillis) {
        RunFold.Accumulator fold = RunFold.accumulator(runId);
        Instant at = Instant.ofEpochMilli(atMillis);
        fold.accept(new StoredChunk(runId, 0, at, chunk("{\"type\":\"start\",\"runId\":\"" + runId
                + "\",\"from\":\"AGENT\",\"payload\":{}}")));
        if (status == RunStatus.SUCCESS) {
            fold.accept(new StoredChunk(runId, 1, at, chunk("{\"type\":\"finish\",\"runId\":\"" + runId
                    + "\",\"from\":\"AGENT\",\"payload\":{\"stepResult\":{\"reason\":\"stop\"}}}")));
        } else if (status == RunStatus.FAILED) {
            fold.accept(new StoredChunk(runId, 1, at, chunk("{\"type\":\"error\",\"runId\":\"" + runId
                    + "\",\"from\":\"AGENT\",\"payload\":{\"error\":\"boom\"}}")));
        }
        RunSummary summary = fold.summary();
        assertThat(summary.status()).isEqualTo(status);
        return summary;
    }

    private static Chunk chunk(String json) {
        return MastraChunkCodec.decode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static List<String> ids(List<RunActivityIndex.Entry> entries) {
        return entries.stream().map(RunActivityIndex.Entry::runId).toList();
    }

    @Test
    void shouldListLatestActivityFirstThenByRunIdAndPageFromACursor() {
        index.update(summary("b", RunStatus.SUCCESS, 100));
        index.update(summary("a", RunStatus.SUCCESS, 100));
        index.update(summary("c", RunStatus.RUNNING, 300));
        index.update(summary("d", RunStatus.FAILED, 200));

        assertThat(ids(index.page(Set.of(), "", null, 10))).containsExactly("c", "d", "a", "b");
        List<RunActivityIndex.Entry> first = index.page(Set.of(), "", null, 2);
        assertThat(ids(first)).containsExactly("c", "d");
        assertThat(ids(index.page(Set.of(), "", first.get(1), 2))).containsExactly("a", "b");
        assertThat(ids(index.page(Set.of(), "", new RunActivityIndex.Entry(100, "a", null), 10)))
                .as("a cursor between two runs of the same millisecond").containsExactly("b");
    }

    @Test
    void shouldMoveARunWhenItsSummaryChangesAndForgetItWhenErased() {
        index.update(summary("a", RunStatus.RUNNING, 100));
        index.update(summary("b", RunStatus.RUNNING, 200));
        index.update(summary("a", RunStatus.SUCCESS, 300));

        assertThat(ids(index.page(Set.of(), "", null, 10))).containsExactly("a", "b");
        assertThat(ids(index.page(EnumSet.of(RunStatus.RUNNING), "", null, 10))).containsExactly("b");
        assertThat(ids(index.page(EnumSet.of(RunStatus.SUCCESS), "", null, 10))).containsExactly("a");
        assertThat(index.size()).isEqualTo(2);

        index.remove("a");
        assertThat(ids(index.page(Set.of(), "", null, 10))).containsExactly("b");
        assertThat(ids(index.page(EnumSet.of(RunStatus.SUCCESS), "", null, 10))).isEmpty();
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void shouldMergeSeveralStatusesInListOrderAndFilterById() {
        for (int i = 0; i < 10; i++) {
            index.update(summary("run-" + i, i % 3 == 0 ? RunStatus.FAILED : i % 3 == 1 ? RunStatus.SUCCESS
                    : RunStatus.RUNNING, 1000 + i));
        }
        assertThat(ids(index.page(EnumSet.of(RunStatus.FAILED, RunStatus.SUCCESS), "", null, 4)))
                .containsExactly("run-9", "run-7", "run-6", "run-4");
        assertThat(ids(index.page(Set.of(), "-1", null, 10))).containsExactly("run-1");
        assertThat(ids(index.page(EnumSet.of(RunStatus.RUNNING), "run-", null, 2))).containsExactly("run-8", "run-5");
    }

    @Test
    void shouldBeIncompleteUntilTheStoreHasBeenReadThrough() {
        assertThat(index.complete()).isFalse();
        index.markComplete();
        assertThat(index.complete()).isTrue();
    }
}
