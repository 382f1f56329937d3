package dev.runstream.core.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The converter's lifecycle and how it returns what it holds. */
class UiMessageStreamConverterTest {

    private static Chunk chunk(String json) {
        return UiCase.of("", json, "").chunks().get(0);
    }

    @Test
    void shouldReturnNothingForAHeldStartAndReleaseItWithTheFirstStep() {
        UiMessageStreamConverter converter = new UiMessageStreamConverter(UiStreamOptions.defaults());
        assertThat(converter.accept(chunk("{'type':'start','runId':'r1','payload':{'messageId':'m1'}}"))).isEmpty();
        assertThat(converter.accept(chunk("{'type':'data-a','data':1}"))).isEmpty();
        List<ObjectNode> released = converter.accept(chunk("{'type':'step-start','runId':'r1','payload':{}}"));
        assertThat(released).extracting(Json::write).containsExactly(
                "{\"type\":\"start\",\"messageId\":\"m1\"}", "{\"type\":\"data-a\",\"data\":1}",
                "{\"type\":\"start-step\"}");
        assertThat(converter.end()).isEmpty();
    }

    @Test
    void shouldFrameAWorkflowFromItsFirstChunk() {
        UiMessageStreamConverter converter = new UiMessageStreamConverter(UiStreamOptions.defaults());
        List<ObjectNode> first = converter.accept(
                chunk("{'type':'workflow-start','runId':'w1','from':'WORKFLOW','payload':{'workflowId':'wf'}}"));
        assertThat(first).extracting(node -> node.get("type").textValue()).containsExactly("start", "data-workflow");
        assertThat(converter.end()).extracting(Json::write).containsExactly("{\"type\":\"finish\"}");
    }

    @Test
    void shouldConvertAnAgentStreamWhenTheSourceIsNamedEvenIfItLooksLikeAWorkflow() {
        List<ObjectNode> ui = UiMessageStreamConverter.convertAll(List.of(
                chunk("{'type':'workflow-start','runId':'w1','payload':{'workflowId':'wf'}}")),
                UiStreamOptions.builder().source(UiStreamSource.AGENT).build());
        assertThat(ui).isEmpty();
    }

    @Test
    void shouldProduceNothingForAnEmptyStreamOfUnknownSource() {
        assertThat(UiMessageStreamConverter.convertAll(List.of(), UiStreamOptions.defaults())).isEmpty();
    }

    @Test
    void shouldRefuseChunksAfterTheEnd() {
        UiMessageStreamConverter converter = new UiMessageStreamConverter(UiStreamOptions.defaults());
        converter.end();
        assertThatIllegalStateException()
                .isThrownBy(() -> converter.accept(chunk("{'type':'abort','runId':'r1','payload':{}}")));
    }

    @Test
    void shouldReturnNothingWhenEndedTwice() {
        UiMessageStreamConverter converter = new UiMessageStreamConverter(UiStreamOptions.defaults());
        converter.accept(chunk("{'type':'tripwire','payload':{'reason':'x'}}"));
        assertThat(converter.end()).hasSize(1);
        assertThat(converter.end()).isEmpty();
    }

    @Test
    void shouldHandOutChunksTheCallerMayChangeWithoutAffectingLaterOnes() {
        UiMessageStreamConverter converter = new UiMessageStreamConverter(UiStreamOptions.defaults());
        ObjectNode first = converter.accept(chunk(
                "{'type':'workflow-step-start','runId':'w1','payload':{'id':'a','status':'running','payload':{'x':1}}}"))
                .get(1);
        ((ObjectNode) first.at("/data/steps/a/input")).put("x", 99);
        ObjectNode second = converter.accept(chunk(
                "{'type':'workflow-step-result','runId':'w1','payload':{'id':'a','status':'success'}}")).get(0);
        assertThat(second.at("/data/steps/a/input/x").intValue()).isEqualTo(1);
    }
}
