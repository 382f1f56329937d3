package dev.runstream.bridge.aggregate;

import static dev.runstream.bridge.aggregate.TopologyFixture.assertSameSummary;
import static dev.runstream.bridge.aggregate.TopologyFixture.corpus;
import static dev.runstream.bridge.aggregate.TopologyFixture.expectedSummary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An erase marker removes one run's summary and tombstones its persisted chunks, and touches no other run. */
class RunEraseTopologyTest {

    private static final String ERASED = "run-erased";
    private static final String KEPT = "run-kept";

    @TempDir
    Path stateDir;

    @ParameterizedTest(name = "source.mode={0}")
    @ValueSource(strings = {RunstreamConfig.SOURCE_MODE_PATTERN, RunstreamConfig.SOURCE_MODE_INGEST})
    void shouldRemoveTheSummaryAndTombstoneEveryPersistedChunkOfTheErasedRunOnly(String mode) {
        List<StoredChunk> erased = corpus("agent-tool", "chunks.ndjson", ERASED, 0);
        List<StoredChunk> kept = corpus("agent-text", "chunks.ndjson", KEPT, 0);
        try (TopologyFixture fixture = new TopologyFixture(mode, stateDir)) {
            fixture.publish(erased);
            fixture.publish(kept);
            List<String> persistedKeys = fixture.chunks.readKeyValuesToList().stream()
                    .map(record -> record.key).filter(key -> key.startsWith(ERASED + "/")).toList();
            long lastSequence = fixture.stored(ERASED).lastSequence();
            fixture.summaries.readRecordsToList();

            fixture.erase(ERASED, "erase-1");

            assertThat(fixture.stored(ERASED)).isNull();
            assertSameSummary(fixture.stored(KEPT), expectedSummary(KEPT, kept));
            TestRecord<String, RunSummary> tombstone = single(fixture.summaries.readRecordsToList());
            assertThat(tombstone.key()).isEqualTo(ERASED);
            assertThat(tombstone.value()).isNull();
            assertThat(header(tombstone.headers(), RunstreamHeaders.ERASE_ID)).isEqualTo("erase-1");
            assertThat(header(tombstone.headers(), RunstreamHeaders.ERASED_SUMMARY)).isEqualTo("true");
            assertThat(header(tombstone.headers(), RunstreamHeaders.ERASED_CHUNKS))
                    .isEqualTo(Long.toString(lastSequence + 1));
            assertThat(header(tombstone.headers(), RunstreamHeaders.ERASE_MARKER_OFFSET))
                    .as("the marker's offset in the chunks topic").matches("\\d+");

            List<KeyValue<String, byte[]>> written = fixture.chunks.readKeyValuesToList();
            assertThat(written.get(0).key).as("the marker, keyed by the bare run id").isEqualTo(ERASED);
            List<KeyValue<String, byte[]>> tombstones = written.subList(1, written.size());
            assertThat(tombstones).extracting(record -> record.key).containsExactlyElementsOf(
                    LongStream.rangeClosed(0, lastSequence).mapToObj(sequence -> ERASED + "/" + sequence).toList())
                    .containsAll(persistedKeys);
            assertThat(tombstones).extracting(record -> record.value).containsOnlyNulls();
            assertThat(fixture.deadLetters.isEmpty()).as("neither the marker nor the tombstones read back").isTrue();
        }
    }

    @Test
    void shouldStartAFreshSummaryForAChunkThatFollowsTheErase() {
        List<StoredChunk> first = corpus("agent-tool", "chunks.ndjson", ERASED, 0);
        List<StoredChunk> again = corpus("agent-text", "chunks.ndjson", ERASED, 0);
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_PATTERN, stateDir)) {
            fixture.publish(first);
            fixture.erase(ERASED, "erase-1");
            fixture.summaries.readRecordsToList();

            fixture.publish(again);
            fixture.emitPendingSummaries();

            assertSameSummary(fixture.stored(ERASED), expectedSummary(ERASED, again));
            assertSameSummary(fixture.summaries.readKeyValuesToMap().get(ERASED), expectedSummary(ERASED, again));
        }
    }

    @Test
    void shouldAnswerTheEraseOfAnUnknownRunWithATombstoneAndNoChunkTombstones() {
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_INGEST, stateDir)) {
            fixture.erase("run-never", "erase-2");

            TestRecord<String, RunSummary> tombstone = single(fixture.summaries.readRecordsToList());
            assertThat(tombstone.key()).isEqualTo("run-never");
            assertThat(tombstone.value()).isNull();
            assertThat(header(tombstone.headers(), RunstreamHeaders.ERASED_SUMMARY)).isEqualTo("false");
            assertThat(header(tombstone.headers(), RunstreamHeaders.ERASED_CHUNKS)).isEqualTo("0");
            assertThat(fixture.chunks.readKeyValuesToList()).extracting(record -> record.key).as("only the marker")
                    .containsExactly("run-never");
        }
    }

    @Test
    void shouldDeadLetterARecordWithoutValueThatIsNoEraseMarker() {
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_PATTERN, stateDir)) {
            fixture.pipe(ERASED, ERASED, null, new org.apache.kafka.common.header.internals.RecordHeaders());

            assertThat(fixture.deadLetters.readRecordsToList()).singleElement()
                    .satisfies(dead -> assertThat(header(dead.headers(), RunstreamHeaders.ERROR)).contains("no value"));
            assertThat(fixture.chunks.isEmpty()).isTrue();
            assertThat(fixture.summaries.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldDeadLetterAChunkWhoseKeyNamesAnotherSequence() {
        StoredChunk chunk = corpus("agent-text", "chunks.ndjson", ERASED, 0).get(3);
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_PATTERN, stateDir)) {
            fixture.pipeTo(fixture.topics.chunks(), ERASED + "/7", fixture.encode(chunk),
                    TopologyFixture.publisherHeaders(chunk));

            assertThat(fixture.deadLetters.readRecordsToList()).singleElement().satisfies(dead -> assertThat(
                    header(dead.headers(), RunstreamHeaders.ERROR)).contains("chunk 7").contains("sequence holds 3"));
            assertThat(fixture.stored(ERASED)).isNull();
        }
    }

    private static String header(Headers headers, String name) {
        return RunstreamHeaders.get(headers, name);
    }

    private static <T> T single(List<T> records) {
        assertThat(records).hasSize(1);
        return records.get(0);
    }
}
