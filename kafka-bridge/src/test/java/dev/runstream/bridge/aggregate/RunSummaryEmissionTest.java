package dev.runstream.bridge.aggregate;

import static dev.runstream.bridge.aggregate.TopologyFixture.corpus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the aggregator writes to {@code prefix.run-summaries}: a new run and every status change at once; the updates
 * of a run that stays running once per emit interval, as the DSL's record cache did, not once per chunk.
 */
class RunSummaryEmissionTest {

    private static final String RUN = "run-1";

    @TempDir
    Path stateDir;

    @Test
    void shouldEmitANewRunAndStatusChangesAtOnceAndHoldBackUpdatesOfARunningRun() {
        List<StoredChunk> chunks = corpus("agent-text", "chunks.ndjson", RUN, 0);
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_PATTERN, stateDir)) {
            fixture.publish(chunks.subList(0, 1));
            assertThat(fixture.summaries.readValuesToList()).as("a new run").extracting(RunSummary::lastSequence)
                    .containsExactly(0L);

            fixture.publish(chunks.subList(1, chunks.size() - 1));
            assertThat(fixture.stored(RUN).status()).isEqualTo(RunStatus.RUNNING);
            assertThat(fixture.summaries.isEmpty()).as("held back while running").isTrue();

            fixture.emitPendingSummaries();
            assertThat(fixture.summaries.readValuesToList()).as("the latest summary, once")
                    .extracting(RunSummary::lastSequence).containsExactly(chunks.size() - 2L);

            fixture.publish(chunks.subList(chunks.size() - 1, chunks.size()));
            assertThat(fixture.summaries.readValuesToList()).as("the finish, at once")
                    .extracting(RunSummary::status).containsExactly(RunStatus.SUCCESS);
            fixture.emitPendingSummaries();
            assertThat(fixture.summaries.isEmpty()).as("nothing left to emit").isTrue();
        }
    }
}
