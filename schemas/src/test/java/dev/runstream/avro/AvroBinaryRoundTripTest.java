package dev.runstream.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Generated records survive Avro binary encoding unchanged, with every body type and every field set. */
class AvroBinaryRoundTripTest {

    private static final String RUN_ID = "00000000-0000-4000-8000-000000000001";
    private static final Instant WRITTEN_AT = Instant.ofEpochMilli(1_795_461_866_204L);

    static Stream<Object> bodies() {
        return Stream.of(
                TextBody.newBuilder().setId("text-1").setText("17 × 3 = 51.\u2028")
                        .setExtraJson("{\"type\":\"text-end\"}").build(),
                ToolCallBody.newBuilder().setToolCallId("call-1").setToolName("deleteTool")
                        .setArgsJson("{\"id\":\"rec-123\"}").setExtraJson("{\"providerExecuted\":false}").build(),
                ToolInputDeltaBody.newBuilder().setToolCallId("call-1").setToolName("deleteTool")
                        .setArgsTextDelta("{\"id\":").setExtraJson(null).build(),
                ToolResultBody.newBuilder().setToolCallId("call-1").setToolName("deleteTool")
                        .setResultJson("null").setArgsJson("{}").setIsError(false).setExtraJson("{\"dynamic\":true}")
                        .build(),
                ToolErrorBody.newBuilder().setToolCallId("call-1").setToolName("deleteTool")
                        .setErrorJson("{\"message\":\"boom\",\"name\":\"Error\"}").setArgsJson("{}").build(),
                ToolOutputBody.newBuilder().setToolCallId("call-1").setToolName("deleteTool")
                        .setOutputJson("\"plain string\"").build(),
                StepStartBody.newBuilder().setMessageId("msg-1").setRequestJson("{}").setWarningsJson("[]")
                        .setStartedAt(1_795_461_866_204L).setExtraJson("{\"inputMessages\":[]}").build(),
                FinishBody.newBuilder().setMessageId("msg-1")
                        .setStepResult(StepResult.newBuilder().setReason("stop").setRawReason("end_turn")
                                .setIsContinued(false).setExtraJson("{\"warnings\":[]}").build())
                        .setUsage(fullUsage()).setOutputText("17 × 3 = 51.")
                        .setExtraJson("{\"output\":{\"toolCalls\":[],\"steps\":[]},\"processorRetryCount\":0}").build(),
                RunStartBody.newBuilder().setId("approval-agent").setMessageId("msg-1").build(),
                ErrorBody.newBuilder().setErrorJson("{\"message\":\"model failed\"}")
                        .setExtraJson("{\"type\":\"error\"}").build(),
                DataBody.newBuilder().setId("progress-1").setDataJson("{\"pct\":50}").build(),
                ObjectBody.newBuilder().setObjectJson("{\"headline\":\"KAFKA\"}").build(),
                WorkflowStepBody.newBuilder().setId("approve").setStepName("approve").setStepCallId("uuid-1")
                        .setStatus("suspended").setPayloadJson("{\"topic\":\"kafka\"}").setOutputJson("{}")
                        .setErrorJson("{\"message\":\"x\"}").setSuspendPayloadJson("{\"reason\":\"review\"}")
                        .setResumePayloadJson("{\"approved\":true}").setStartedAt(1L).setEndedAt(2L)
                        .setSuspendedAt(3L).setResumedAt(4L).setExtraJson("{\"metadata\":{}}").build(),
                WorkflowStepOutputBody.newBuilder().setStepName("research").setRunId("nested-run")
                        .setOutputJson("{\"type\":\"custom-event\"}").build(),
                WorkflowFinishBody.newBuilder().setWorkflowStatus("success").setUsage(Usage.newBuilder()
                                .setInputTokens(16L).setOutputTokens(6L).setTotalTokens(22L).build())
                        .setFinalWorkflowResultJson("{\"headline\":\"KAFKA\"}").setMetadataJson("{}")
                        .setExtraJson("{\"output\":{}}").build(),
                WorkflowStartBody.newBuilder().setWorkflowId("research-workflow").build(),
                GenericBody.newBuilder().setPayloadJson("{\"reason\":\"blocked\",\"retry\":false}").build(),
                GenericBody.newBuilder().setPayloadJson(null).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void shouldRoundTripAChunkRecordWithEveryBodyType(Object body) throws IOException {
        ChunkRecord chunk = ChunkRecord.newBuilder()
                .setRunId(RUN_ID)
                .setSequence(42L)
                .setTimestamp(WRITTEN_AT)
                .setType("some-type")
                .setFrom("AGENT")
                .setCarriesRunId(true)
                .setTransient$(true)
                .setBody(body)
                .setExtraJson("{\"metadata\":{\"fallback\":true}}")
                .build();

        assertThat(roundTrip(chunk, ChunkRecord.class)).isEqualTo(chunk);
    }

    @Test
    void shouldHaveARoundTripSampleOfEveryBranchOfTheBodyUnion() {
        Set<String> branches = ChunkRecord.getClassSchema().getField("body").schema().getTypes().stream()
                .map(Schema::getFullName).collect(Collectors.toSet());
        Set<String> sampled = bodies().map(body -> ((SpecificRecord) body).getSchema().getFullName())
                .collect(Collectors.toSet());

        assertThat(sampled).isEqualTo(branches);
    }

    @Test
    void shouldRoundTripAChunkRecordWithoutOptionalValues() throws IOException {
        ChunkRecord chunk = ChunkRecord.newBuilder()
                .setRunId(RUN_ID)
                .setSequence(0L)
                .setTimestamp(WRITTEN_AT)
                .setType("data-tool-progress")
                .setCarriesRunId(false)
                .setTransient$(false)
                .setBody(DataBody.newBuilder().setDataJson("{\"pct\":50}").build())
                .build();

        ChunkRecord decoded = roundTrip(chunk, ChunkRecord.class);

        assertThat(decoded).isEqualTo(chunk);
        assertThat(decoded.getFrom()).isNull();
        assertThat(decoded.getExtraJson()).isNull();
        assertThat(((DataBody) decoded.getBody()).getId()).isNull();
    }

    @Test
    void shouldRoundTripARunSummary() throws IOException {
        RunSummary summary = sampleRunSummary();

        assertThat(roundTrip(summary, RunSummary.class)).isEqualTo(summary);
    }

    @Test
    void shouldRoundTripARunSummaryOfARunThatHasNotStarted() throws IOException {
        RunSummary summary = RunSummary.newBuilder()
                .setRunId(RUN_ID).setKind("agent").setStatus("running").setName("").setText("")
                .setReasoningText("").setUsage(Usage.newBuilder().build()).setSteps(List.of())
                .setToolCalls(List.of()).setChunkCount(0L).setTransientCount(0L).setLastSequence(-1L)
                .build();

        RunSummary decoded = roundTrip(summary, RunSummary.class);

        assertThat(decoded).isEqualTo(summary);
        assertThat(decoded.getUsage().getInputTokens()).isNull();
        assertThat(decoded.getFinishedAt()).isNull();
    }

    @Test
    void shouldDecodeAChunkRecordWithoutTheGeneratedClasses() throws IOException {
        ChunkRecord chunk = ChunkRecord.newBuilder()
                .setRunId(RUN_ID).setSequence(7L).setTimestamp(WRITTEN_AT).setType("finish").setFrom("AGENT")
                .setCarriesRunId(true).setTransient$(false)
                .setBody(FinishBody.newBuilder().setUsage(fullUsage()).build())
                .build();
        Schema writerSchema = new Schema.Parser().parse(ChunkRecord.getClassSchema().toString());

        GenericRecord decoded = decode(encode(chunk), new GenericDatumReader<>(writerSchema));

        assertThat(decoded.get("transient")).isEqualTo(false);
        assertThat(decoded.get("timestamp")).isEqualTo(WRITTEN_AT.toEpochMilli());
        GenericRecord body = (GenericRecord) decoded.get("body");
        assertThat(body.getSchema().getName()).isEqualTo("FinishBody");
        assertThat(((GenericRecord) body.get("usage")).get("cacheCreationInputTokens1h")).isEqualTo(2L);
    }

    static RunSummary sampleRunSummary() {
        return RunSummary.newBuilder()
                .setRunId(RUN_ID)
                .setKind("agent")
                .setStatus("success")
                .setName("approval-agent")
                .setText("I will delete it. Done.")
                .setReasoningText("The user wants a deletion.")
                .setFinishReason("stop")
                .setUsage(fullUsage())
                .setSteps(List.of(
                        StepSummary.newBuilder().setName("1").setStatus("tool-calls")
                                .setUsage(Usage.newBuilder().setInputTokens(20L).setOutputTokens(8L).build()).build(),
                        StepSummary.newBuilder().setName("2").setStatus("stop")
                                .setUsage(Usage.newBuilder().build()).build()))
                .setToolCalls(List.of(
                        ToolCallSummary.newBuilder().setToolCallId("call-1").setToolName("deleteTool")
                                .setOutcome("awaiting-approval").build(),
                        ToolCallSummary.newBuilder().setToolCallId("call-2").setToolName("lookup")
                                .setOutcome("success").build()))
                .setErrorJson("{\"message\":\"boom\"}")
                .setResultJson("{\"headline\":\"KAFKA\"}")
                .setFirstChunkAt(WRITTEN_AT)
                .setLastChunkAt(WRITTEN_AT.plusMillis(1_500))
                .setFinishedAt(WRITTEN_AT.plusMillis(1_500))
                .setChunkCount(19L)
                .setTransientCount(1L)
                .setLastSequence(18L)
                .build();
    }

    private static Usage fullUsage() {
        return Usage.newBuilder()
                .setInputTokens(45L).setOutputTokens(25L).setTotalTokens(70L).setReasoningTokens(15L)
                .setCachedInputTokens(30L).setCacheCreationInputTokens(5L).setCacheCreationInputTokens5m(3L)
                .setCacheCreationInputTokens1h(2L)
                .setRawJson("{\"inputTokens\":{\"total\":45}}").setExtraJson("{\"promptTokens\":45}")
                .build();
    }

    private static <T extends SpecificRecord> T roundTrip(T record, Class<T> type) throws IOException {
        return decode(encode(record), new SpecificDatumReader<>(type));
    }

    private static <T extends SpecificRecord> byte[] encode(T record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<T>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static <T> T decode(byte[] bytes, DatumReader<T> reader) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        T decoded = reader.read(null, decoder);
        assertThat(decoder.isEnd()).as("all bytes consumed").isTrue();
        return decoded;
    }
}
