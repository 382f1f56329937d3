package dev.runstream.bridge.aggregate;

import static dev.runstream.bridge.aggregate.TopologyFixture.assertSameSummary;
import static dev.runstream.bridge.aggregate.TopologyFixture.corpus;
import static dev.runstream.bridge.aggregate.TopologyFixture.expectedSummary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.bridge.aggregate.internal.RunSummaryProcessor;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A running run whose writer went silent is marked abandoned after {@code run.abandon.after.ms} of wall-clock time
 * (the driver's clock starts where the corpus' chunk timestamps do); a late chunk resumes it.
 */
class RunAbandonTopologyTest {

    private static final Duration IDLE = Duration.ofMinutes(1);
    private static final String RUN = "run-1";

    @TempDir
    Path stateDir;

    private TopologyFixture fixture(long abandonAfterMs) {
        return new TopologyFixture(RunstreamConfig.SOURCE_MODE_PATTERN, stateDir,
                Map.of(RunstreamConfig.RUN_ABANDON_AFTER_MS_CONFIG, abandonAfterMs));
    }

    @Test
    void shouldAbandonARunningRunOnceItsLastChunkIsOlderThanTheIdleTime() {
        List<StoredChunk> chunks = corpus("agent-tool", "chunks.ndjson", RUN, 0);
        try (TopologyFixture fixture = fixture(IDLE.toMillis())) {
            fixture.publish(chunks.subList(0, 6));
            RunSummary running = fixture.stored(RUN);

            fixture.advanceWallClock(IDLE.minusSeconds(10));
            assertThat(fixture.stored(RUN).status()).isEqualTo(RunStatus.RUNNING);
            fixture.summaries.readRecordsToList();
            fixture.advanceWallClock(Duration.ofSeconds(20));

            RunSummary abandoned = fixture.stored(RUN);
            assertThat(abandoned.status()).isEqualTo(RunStatus.ABANDONED);
            assertThat(abandoned).usingRecursiveComparison().ignoringFields("status").isEqualTo(running);
            assertThat(fixture.summaries.readKeyValuesToList()).extracting(record -> record.value.status())
                    .containsExactly(RunStatus.ABANDONED);
        }
    }

    @Test
    void shouldFoldALateChunkAsIfTheRunHadNeverBeenAbandoned() {
        List<StoredChunk> chunks = corpus("agent-tool", "chunks.ndjson", RUN, 0);
        int half = chunks.size() / 2;
        try (TopologyFixture fixture = fixture(IDLE.toMillis())) {
            fixture.publish(chunks.subList(0, half));
            fixture.advanceWallClock(IDLE.multipliedBy(2));
            assertThat(fixture.stored(RUN).status()).isEqualTo(RunStatus.ABANDONED);
            fixture.summaries.readRecordsToList();

            fixture.publish(chunks.subList(half, half + 1));
            assertThat(fixture.stored(RUN).status()).as("resumed by the late chunk").isEqualTo(RunStatus.RUNNING);
            assertThat(fixture.summaries.readValuesToList()).extracting(RunSummary::status)
                    .containsExactly(RunStatus.RUNNING);
            fixture.publish(chunks.subList(half + 1, chunks.size()));

            assertSameSummary(fixture.stored(RUN), expectedSummary(RUN, chunks));
            assertThat(fixture.stored(RUN).status()).isEqualTo(RunStatus.SUCCESS);
        }
    }

    @Test
    void shouldLeaveSuspendedAndFinishedRunsAlone() {
        try (TopologyFixture fixture = fixture(IDLE.toMillis())) {
            fixture.publish(corpus("agent-approval", "chunks.ndjson", "run-suspended", 0));
            fixture.publish(corpus("workflow-suspend", "chunks.ndjson", "run-flow-suspended", 0));
            fixture.publish(corpus("agent-text", "chunks.ndjson", "run-done", 0));
            fixture.summaries.readRecordsToList();

            fixture.advanceWallClock(Duration.ofHours(2));

            assertThat(fixture.stored("run-suspended").status()).isEqualTo(RunStatus.SUSPENDED);
            assertThat(fixture.stored("run-flow-suspended").status()).isEqualTo(RunStatus.SUSPENDED);
            assertThat(fixture.stored("run-done").status()).isEqualTo(RunStatus.SUCCESS);
            assertThat(fixture.summaries.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldNeverAbandonWhenTurnedOff() {
        try (TopologyFixture fixture = fixture(-1)) {
            fixture.publish(corpus("agent-text", "chunks.ndjson", RUN, 0).subList(0, 3));

            fixture.advanceWallClock(Duration.ofDays(2));

            assertThat(fixture.stored(RUN).status()).isEqualTo(RunStatus.RUNNING);
            assertThat(fixture.summaries.readValuesToList()).extracting(RunSummary::status)
                    .doesNotContain(RunStatus.ABANDONED);
        }
    }

    @Test
    void shouldFindRunningRunsInTheStoreThatThisTaskDidNotFold() {
        int runs = 2 * 1000 + 500;
        try (TopologyFixture fixture = fixture(IDLE.toMillis())) {
            KeyValueStore<String, ValueAndTimestamp<RunSummary>> store =
                    fixture.driver.getTimestampedKeyValueStore(fixture.topics.summaryStore());
            for (int i = 0; i < runs; i++) {
                String runId = String.format("run-%05d", i);
                store.put(runId, ValueAndTimestamp.make(expectedSummary(runId,
                        corpus("agent-text", "chunks.ndjson", runId, 0).subList(0, 3)), 0L));
            }
            store.put("run-done", ValueAndTimestamp.make(expectedSummary("run-done",
                    corpus("agent-text", "chunks.ndjson", "run-done", 0)), 0L));

            List<String> emitted = new ArrayList<>();
            for (int step = 0; step < 4; step++) {
                fixture.emitPendingSummaries();
                emitted.addAll(fixture.summaries.readKeyValuesToList().stream().map(record -> record.key).toList());
            }
            fixture.advanceWallClock(IDLE.multipliedBy(2));

            assertThat(emitted).as("every running run emitted once, as a previous owner may not have")
                    .hasSize(runs).doesNotHaveDuplicates().doesNotContain("run-done");
            assertThat(fixture.stored("run-00000").status()).isEqualTo(RunStatus.ABANDONED);
            assertThat(fixture.stored(String.format("run-%05d", runs - 1)).status()).isEqualTo(RunStatus.ABANDONED);
            assertThat(fixture.stored("run-done").status()).isEqualTo(RunStatus.SUCCESS);
        }
    }

    @ParameterizedTest(name = "{0} ms -> every {1} ms")
    @CsvSource({"600000, 60000", "60000, 6000", "3000, 1000", "1, 1000", "86400000, 60000"})
    void shouldCheckEveryTenthOfTheIdleTimeBetweenOneAndSixtySeconds(long abandonAfterMs, long intervalMs) {
        assertThat(RunSummaryProcessor.abandonCheckInterval(abandonAfterMs)).isEqualTo(Duration.ofMillis(intervalMs));
    }
}
