package dev.runstream.bridge.aggregate;

import static dev.runstream.bridge.aggregate.TopologyFixture.corpus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.CancelRequest;
import dev.runstream.core.fold.RunStatus;
import dev.runstream.core.fold.RunSummary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Cancel requests on {@code {prefix}.run-control} are recorded in the run's summary, which is emitted at once. */
class RunCancelTopologyTest {

    private static final String RUN = "run-1";
    private static final CancelRequest FIRST = new CancelRequest("c-1", "admin",
            Instant.parse("2027-01-15T08:00:00Z"), "user pressed stop");
    private static final CancelRequest SECOND = new CancelRequest("c-2", "token t (run 'run-1')",
            Instant.parse("2027-01-15T08:00:01Z"), "");

    @TempDir
    Path stateDir;

    @ParameterizedTest
    @ValueSource(strings = {RunstreamConfig.SOURCE_MODE_INGEST, RunstreamConfig.SOURCE_MODE_PATTERN})
    void shouldRecordTheFirstCancelRequestOfARunningRunAndEmitItAtOnce(String mode) {
        List<StoredChunk> chunks = corpus("agent-tool", "chunks.ndjson", RUN, 0);
        try (TopologyFixture fixture = new TopologyFixture(mode, stateDir, Map.of())) {
            fixture.publish(chunks.subList(0, 4));
            fixture.summaries.readRecordsToList();

            fixture.requestCancel(RUN, FIRST);
            fixture.requestCancel(RUN, SECOND);

            RunSummary summary = fixture.stored(RUN);
            assertThat(summary.status()).isEqualTo(RunStatus.RUNNING);
            assertThat(summary.cancel()).contains(FIRST);
            assertThat(fixture.summaries.readValuesToList()).extracting(RunSummary::cancel)
                    .containsExactly(java.util.Optional.of(FIRST));
        }
    }

    @Test
    void shouldLeaveAnEndedRunAsItIs() {
        List<StoredChunk> chunks = corpus("agent-tool", "chunks.ndjson", RUN, 0);
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_INGEST, stateDir, Map.of())) {
            fixture.publish(chunks);
            RunSummary ended = fixture.stored(RUN);
            fixture.summaries.readRecordsToList();

            fixture.requestCancel(RUN, FIRST);

            assertThat(fixture.stored(RUN)).isEqualTo(ended);
            assertThat(fixture.stored(RUN).cancel()).isEmpty();
            assertThat(fixture.summaries.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldNotMakeASummaryForARunItHasNeverSeen() {
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_INGEST, stateDir, Map.of())) {
            fixture.requestCancel("never-written", FIRST);

            assertThat(fixture.stored("never-written")).isNull();
            assertThat(fixture.summaries.isEmpty()).isTrue();
            assertThat(fixture.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldDeadLetterARunControlRecordThatIsNotACancelRequestOfItsKeysRun() {
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_INGEST, stateDir, Map.of())) {
            fixture.publish(corpus("agent-tool", "chunks.ndjson", RUN, 0).subList(0, 2));
            var topics = fixture.topics;
            fixture.pipeTo(topics.runControl(), RUN, "{\"type\":\"cancel\",\"runId\":\"other-run\"}"
                    .getBytes(StandardCharsets.UTF_8), new org.apache.kafka.common.header.internals.RecordHeaders());
            fixture.pipeTo(topics.runControl(), RUN, "not json".getBytes(StandardCharsets.UTF_8),
                    new org.apache.kafka.common.header.internals.RecordHeaders());

            var dead = fixture.deadLetters.readRecordsToList();
            assertThat(dead).hasSize(2);
            assertThat(new String(dead.get(0).headers().lastHeader("runstream.error").value(),
                    StandardCharsets.UTF_8)).contains("run 'run-1'").contains("field runId holds another run");
            assertThat(new String(dead.get(1).headers().lastHeader("runstream.error").value(),
                    StandardCharsets.UTF_8)).contains("run 'run-1'").contains("not JSON");
            assertThat(fixture.stored(RUN).cancel()).isEmpty();
        }
    }
}
