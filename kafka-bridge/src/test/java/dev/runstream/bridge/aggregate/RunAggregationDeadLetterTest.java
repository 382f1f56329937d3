package dev.runstream.bridge.aggregate;

import static dev.runstream.bridge.aggregate.TopologyFixture.assertSameSummary;
import static dev.runstream.bridge.aggregate.TopologyFixture.corpus;
import static dev.runstream.bridge.aggregate.TopologyFixture.expectedSummary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.bridge.avro.ChunkRecordMapper;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.wire.RunstreamHeaders;
import dev.runstream.core.chunk.StoredChunk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What cannot be decoded or accepted goes to the dead-letter topic, and the records after it are still folded. */
class RunAggregationDeadLetterTest {

    private static final String RUN = "run-1";

    @TempDir
    Path stateDir;

    static Stream<Arguments> undecodableValues() {
        return Stream.of(
                Arguments.of("garbage", "not avro at all".getBytes(StandardCharsets.UTF_8), "does not decode"),
                Arguments.of("wrong magic byte", new byte[] {1, 0, 0, 0, 1, 2, 3}, "does not decode"),
                Arguments.of("unknown schema id", new byte[] {0, 0, 0, 0x03, (byte) 0xE7, 2, 3}, "999"),
                Arguments.of("truncated frame", new byte[] {0, 0}, "does not decode"));
    }

    @ParameterizedTest(name = "{0}, transient header present")
    @MethodSource("undecodableValues")
    void shouldDeadLetterAnUndecodableChunkFromTheChunksTopicAndGoOn(String name, byte[] value, String reason) {
        List<StoredChunk> chunks = corpus("agent-text", "chunks.ndjson", RUN, 0);
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_PATTERN, stateDir)) {
            fixture.publish(chunks.subList(0, 3));
            Headers headers = TopologyFixture.publisherHeaders(chunks.get(3));
            fixture.pipe(RUN, RUN, value, headers);
            fixture.publish(chunks.subList(3, chunks.size()));

            TestRecord<String, byte[]> dead = single(fixture);
            assertThat(dead.key()).as("the key it had in the chunks topic").isEqualTo(RUN + "/3");
            assertThat(dead.value()).isEqualTo(value);
            assertThat(RunstreamHeaders.get(dead.headers(), RunstreamHeaders.ERROR)).contains(RUN).contains(reason);
            assertThat(RunstreamHeaders.get(dead.headers(), RunstreamHeaders.ORIGIN)).isEqualTo("runstream.chunks-0@3");
            assertThat(RunstreamHeaders.get(dead.headers(), RunstreamHeaders.SEQUENCE)).as("original headers kept")
                    .isEqualTo("3");
            assertSameSummary(fixture.stored(RUN), expectedSummary(RUN, chunks));
        }
    }

    @ParameterizedTest(name = "{0}, no transient header")
    @MethodSource("undecodableValues")
    void shouldDeadLetterAnUndecodableChunkWithoutHeaderAtTheSource(String name, byte[] value, String reason) {
        List<StoredChunk> chunks = corpus("agent-text", "chunks.ndjson", RUN, 0);
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_PATTERN, stateDir)) {
            fixture.publish(chunks.subList(0, 2));
            fixture.pipe(RUN, RUN, value, new org.apache.kafka.common.header.internals.RecordHeaders());
            fixture.publish(chunks.subList(2, chunks.size()));

            TestRecord<String, byte[]> dead = single(fixture);
            assertThat(dead.value()).isEqualTo(value);
            assertThat(RunstreamHeaders.get(dead.headers(), RunstreamHeaders.ERROR)).contains(RunstreamHeaders.TRANSIENT)
                    .contains(reason);
            assertThat(RunstreamHeaders.get(dead.headers(), RunstreamHeaders.ORIGIN)).isEqualTo("runstream.run.run-1-0@2");
            assertThat(fixture.chunks.readValuesToList()).hasSize(chunks.size());
            assertSameSummary(fixture.stored(RUN), expectedSummary(RUN, chunks));
        }
    }

    @Test
    void shouldDeadLetterAChunkOfAnotherRunThanItsKey() {
        List<StoredChunk> chunks = corpus("agent-text", "chunks.ndjson", RUN, 0);
        StoredChunk foreign = corpus("agent-error", "chunks.ndjson", "run-2", 0).get(1);
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_INGEST, stateDir)) {
            fixture.publish(chunks.subList(0, 4));
            fixture.pipe(RUN, RUN, fixture.encode(foreign), TopologyFixture.publisherHeaders(foreign));
            fixture.publish(chunks.subList(4, chunks.size()));

            TestRecord<String, byte[]> dead = single(fixture);
            assertThat(dead.key()).isEqualTo(RUN + "/" + foreign.sequence());
            assertThat(RunstreamHeaders.get(dead.headers(), RunstreamHeaders.ERROR)).contains("runId").contains("run-2");
            assertThat(fixture.stored("run-2")).isNull();
            assertSameSummary(fixture.stored(RUN), expectedSummary(RUN, chunks));
        }
    }

    @Test
    void shouldDeadLetterARecordKeyedByAnotherRunThanItsTopic() {
        StoredChunk chunk = corpus("agent-text", "chunks.ndjson", RUN, 0).get(0);
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_PATTERN, stateDir)) {
            fixture.pipe("run-other", RUN, fixture.encode(chunk), TopologyFixture.publisherHeaders(chunk));
            fixture.pipe(RUN, null, fixture.encode(chunk), TopologyFixture.publisherHeaders(chunk));

            List<TestRecord<String, byte[]>> dead = fixture.deadLetters.readRecordsToList();
            assertThat(dead).extracting(r -> RunstreamHeaders.get(r.headers(), RunstreamHeaders.ERROR))
                    .satisfiesExactly(
                            first -> assertThat(first).contains("run-other").contains(RUN),
                            second -> assertThat(second).contains("key is missing"));
            assertThat(dead).extracting(r -> RunstreamHeaders.get(r.headers(), RunstreamHeaders.ORIGIN))
                    .satisfiesExactly(
                            first -> assertThat(first).matches("runstream\\.run\\.run-other-0@\\d+"),
                            second -> assertThat(second).matches("runstream\\.run\\.run-1-0@\\d+"));
            assertThat(fixture.chunks.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldDeadLetterWhateverIsWrittenToTheAnchorTopic() {
        StoredChunk chunk = corpus("agent-text", "chunks.ndjson", RunAggregationTopology.ANCHOR_RUN_ID, 0).get(0);
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_PATTERN, stateDir)) {
            fixture.pipeTo(RunAggregationTopology.anchorTopic(fixture.topics), RunAggregationTopology.ANCHOR_RUN_ID,
                    fixture.encode(chunk), TopologyFixture.publisherHeaders(chunk));

            assertThat(RunstreamHeaders.get(single(fixture).headers(), RunstreamHeaders.ERROR)).contains("anchor")
                    .contains("runstream.run.--anchor");
            assertThat(fixture.chunks.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldDeadLetterATransientChunkThatReachedTheChunksTopic() {
        StoredChunk chunk = corpus("agent-tool", "chunks.ndjson", RUN, 0).stream()
                .filter(c -> c.chunk().isTransient()).findFirst().orElseThrow();
        try (TopologyFixture fixture = new TopologyFixture(RunstreamConfig.SOURCE_MODE_PATTERN, stateDir)) {
            ChunkRecord record = ChunkRecordMapper.toRecord(chunk);
            fixture.pipeTo(fixture.topics.chunks(), RUN + "/" + chunk.sequence(), fixture.chunkSerde.encode(record),
                    TopologyFixture.publisherHeaders(chunk));

            assertThat(RunstreamHeaders.get(single(fixture).headers(), RunstreamHeaders.ERROR)).contains("transient");
            assertThat(fixture.stored(RUN)).isNull();
        }
    }

    private static TestRecord<String, byte[]> single(TopologyFixture fixture) {
        List<TestRecord<String, byte[]>> dead = fixture.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        return dead.get(0);
    }
}
