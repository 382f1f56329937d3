package dev.runstream.bridge.avro;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.avro.ChunkRecord;
import dev.runstream.avro.DataBody;
import dev.runstream.avro.FinishBody;
import dev.runstream.avro.GenericBody;
import dev.runstream.avro.TextBody;
import dev.runstream.avro.ToolCallBody;
import dev.runstream.avro.WorkflowFinishBody;
import dev.runstream.avro.WorkflowStepBody;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.testing.Corpus;
import dev.runstream.core.testing.GeneratedChunks;
import dev.runstream.core.testing.JsonEquality;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChunkRecordMapperTest {

    static Stream<String> scenarios() {
        return Corpus.SCENARIOS.stream();
    }

    static LongStream seeds() {
        return LongStream.range(0, 25);
    }

    private static ChunkRecord throughAvroBinary(ChunkRecord record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(ChunkRecord.class).write(record, encoder);
        encoder.flush();
        return new SpecificDatumReader<>(ChunkRecord.class)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }

    private static void assertRoundTrip(StoredChunk stored) throws IOException {
        StoredChunk back = ChunkRecordMapper.toStoredChunk(throughAvroBinary(ChunkRecordMapper.toRecord(stored)));
        assertThat(JsonEquality.equal(back.chunk().json(), stored.chunk().json()))
                .as("%s%nbecame%n%s", stored.chunk().json(), back.chunk().json()).isTrue();
        assertThat(back.runId()).isEqualTo(stored.runId());
        assertThat(back.sequence()).isEqualTo(stored.sequence());
        assertThat(back.timestamp()).isEqualTo(stored.timestamp());
        assertThat(back.chunk().carriesRunId()).isEqualTo(stored.chunk().carriesRunId());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldRoundTripEveryCorpusChunkThroughAvroBinary(String scenario) throws IOException {
        for (StoredChunk stored : Corpus.stored(Corpus.chunks(scenario, "chunks.ndjson"), 0)) {
            assertRoundTrip(stored);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldRoundTripGeneratedChunksOfEveryType(long seed) throws IOException {
        GeneratedChunks generator = new GeneratedChunks(seed);
        long sequence = 0;
        for (String type : GeneratedChunks.TYPES) {
            Chunk chunk = MastraChunkCodec.fromTree(generator.chunk(type, "run-" + seed)).attributedTo("run-" + seed);
            assertRoundTrip(new StoredChunk("run-" + seed, sequence++, Instant.ofEpochMilli(seed * 1000), chunk));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldLeaveTheJsonOfTheChunkItMapsUntouched(long seed) {
        GeneratedChunks generator = new GeneratedChunks(seed);
        List<Chunk> chunks = new java.util.ArrayList<>(Corpus.chunks("agent-tool", "chunks.ndjson"));
        chunks.addAll(Corpus.chunks("workflow-agent", "chunks.ndjson"));
        for (String type : GeneratedChunks.TYPES) {
            chunks.add(MastraChunkCodec.fromTree(generator.chunk(type, "run-" + seed)).attributedTo("run-" + seed));
        }
        for (Chunk chunk : chunks) {
            String before = MastraChunkCodec.encode(chunk);
            ChunkRecordMapper.toRecord(new StoredChunk(chunk.runId().orElseThrow(), 0, Instant.EPOCH, chunk));
            assertThat(MastraChunkCodec.encode(chunk)).as("the %s chunk after mapping", chunk.type()).isEqualTo(before);
        }
    }

    @Test
    void shouldGiveCorpusChunksTheirTypedBodies() {
        List<StoredChunk> tool = Corpus.stored(Corpus.chunks("agent-tool", "chunks.ndjson"), 0);
        assertThat(ChunkRecordMapper.toRecord(tool.get(6)).getBody()).isInstanceOf(ToolCallBody.class);
        assertThat(ChunkRecordMapper.toRecord(tool.get(8)).getBody()).isInstanceOf(DataBody.class);
        ChunkRecord transientData = ChunkRecordMapper.toRecord(tool.get(9));
        assertThat(transientData.getTransient$()).isTrue();
        assertThat(transientData.getCarriesRunId()).isFalse();
        assertThat(ChunkRecordMapper.toRecord(tool.get(14)).getBody()).isInstanceOf(TextBody.class);
        ChunkRecord finish = ChunkRecordMapper.toRecord(tool.get(19));
        assertThat(finish.getBody()).isInstanceOfSatisfying(FinishBody.class, body -> {
            assertThat(body.getUsage().getInputTokens()).isEqualTo(55L);
            assertThat(body.getStepResult().getReason()).isEqualTo("stop");
            assertThat(body.getOutputText()).isEqualTo("It is 21°C and sunny in Paris.");
        });
        List<StoredChunk> workflow = Corpus.stored(Corpus.chunks("workflow", "chunks.ndjson"), 0);
        assertThat(ChunkRecordMapper.toRecord(workflow.get(2)).getBody()).isInstanceOf(WorkflowStepBody.class);
        assertThat(ChunkRecordMapper.toRecord(workflow.get(10)).getBody()).isInstanceOf(WorkflowFinishBody.class);
    }

    @Test
    void shouldFallBackToTheGenericBodyForAPayloadOfTheWrongShape() throws IOException {
        Chunk odd = MastraChunkCodec.decode("{\"type\":\"text-delta\",\"runId\":\"r\",\"payload\":{\"id\":\"t\",\"text\":42}}");
        StoredChunk stored = new StoredChunk("r", 0, Instant.EPOCH, odd);
        assertThat(ChunkRecordMapper.toRecord(stored).getBody()).isInstanceOf(GenericBody.class);
        assertRoundTrip(stored);
        Chunk badUsage = MastraChunkCodec.decode("{\"type\":\"finish\",\"runId\":\"r\",\"payload\":{\"output\":"
                + "{\"usage\":{\"inputTokens\":1.5}}}}");
        assertThat(ChunkRecordMapper.toRecord(new StoredChunk("r", 0, Instant.EPOCH, badUsage)).getBody())
                .isInstanceOf(GenericBody.class);
        assertRoundTrip(new StoredChunk("r", 0, Instant.EPOCH, badUsage));
    }

    @Test
    void shouldKeepEnvelopeOddities() throws IOException {
        for (String json : List.of(
                "{\"type\":\"data-x\",\"data\":null,\"transient\":false}",
                "{\"type\":\"data-x\",\"id\":7,\"data\":{}}",
                "{\"type\":\"data-x\",\"payload\":{},\"data\":1}",
                "{\"type\":\"finish\",\"runId\":\"r\",\"payload\":{\"output\":{}}}",
                "{\"type\":\"finish\",\"runId\":\"r\",\"payload\":{\"output\":{\"text\":\"a\",\"usage\":{}}}}",
                "{\"type\":\"finish\",\"runId\":\"r\",\"payload\":{\"output\":null}}",
                "{\"type\":\"object\",\"runId\":\"r\",\"object\":{\"a\":[1,2]},\"metadata\":{\"fallback\":true}}",
                "{\"type\":\"text-end\",\"runId\":\"r\",\"payload\":{\"type\":\"text-end\",\"id\":\"t\"}}",
                "{\"type\":\"tripwire\",\"payload\":{\"reason\":\"no\"}}")) {
            Chunk chunk = MastraChunkCodec.decode(json).attributedTo("r");
            assertRoundTrip(new StoredChunk("r", 3, Instant.ofEpochMilli(5), chunk));
        }
    }
}
