package dev.runstream.core.ui;

import static dev.runstream.core.ui.UiCase.of;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tool chunks of agent streams outside the corpus, converted as {@code toAISdkStream} does. */
class AgentToolUiConversionTest {

    static Stream<UiCase> toolCalls() {
        return Stream.of(
                of("parallel tool calls map one to one in chunk order", """
                        {'type':'tool-call','runId':'r1','payload':{'toolCallId':'c1','toolName':'time','args':{}}}
                        {'type':'tool-call','runId':'r1','payload':{'toolCallId':'c2','toolName':'time','args':{'tz':'UTC'}}}
                        {'type':'data-progress','data':{'call':'c2'}}
                        {'type':'tool-result','runId':'r1','payload':{'toolCallId':'c1','toolName':'time','result':'10:00'}}
                        {'type':'tool-result','runId':'r1','payload':{'toolCallId':'c2','toolName':'time','result':'09:00'}}
                        """, """
                        {'type':'tool-input-available','toolCallId':'c1','toolName':'time','input':{}}
                        {'type':'tool-input-available','toolCallId':'c2','toolName':'time','input':{'tz':'UTC'}}
                        {'type':'data-progress','data':{'call':'c2'}}
                        {'type':'tool-output-available','toolCallId':'c1','output':'10:00'}
                        {'type':'tool-output-available','toolCallId':'c2','output':'09:00'}
                        """),
                of("streamed input carries dynamic always and provider fields when set", """
                        {'type':'tool-call-input-streaming-start','runId':'r1','payload':{'toolCallId':'c1','toolName':'web','dynamic':true,'providerExecuted':true,'title':'Web'}}
                        {'type':'tool-call-delta','runId':'r1','payload':{'toolCallId':'c1','argsTextDelta':'{}'}}
                        {'type':'tool-call','runId':'r1','payload':{'toolCallId':'c1','toolName':'web','args':{},'dynamic':true,'providerExecuted':true,'providerMetadata':{'p':1},'observability':{'traceparent':'00-1'}}}
                        {'type':'tool-result','runId':'r1','payload':{'toolCallId':'c1','toolName':'web','result':1,'dynamic':true,'providerExecuted':false}}
                        """, """
                        {'type':'tool-input-start','toolCallId':'c1','toolName':'web','providerExecuted':true,'dynamic':true}
                        {'type':'tool-input-delta','toolCallId':'c1','inputTextDelta':'{}'}
                        {'type':'tool-input-available','toolCallId':'c1','toolName':'web','input':{},'providerExecuted':true,'providerMetadata':{'p':1},'toolMetadata':{'__mastraObservability':{'traceparent':'00-1'}}}
                        {'type':'tool-output-available','toolCallId':'c1','output':1,'providerExecuted':false}
                        """),
                of("display transforms replace what the UI shows and may suppress input deltas", """
                        {'type':'tool-call-delta','runId':'r1','payload':{'toolCallId':'c1','argsTextDelta':'{'},'metadata':{'mastra':{'toolPayloadTransform':{'display':{'input-delta':{'suppress':true}}}}}}
                        {'type':'tool-call-delta','runId':'r1','payload':{'toolCallId':'c1','argsTextDelta':'}'},'metadata':{'mastra':{'toolPayloadTransform':{'display':{'input-delta':{'transformed':'*'}}}}}}
                        {'type':'tool-call','runId':'r1','payload':{'toolCallId':'c1','toolName':'pw','args':{'pw':'x'}},'metadata':{'mastra':{'toolPayloadTransform':{'display':{'input-available':{'transformed':{'pw':'***'}}}}}}}
                        {'type':'tool-result','runId':'r1','payload':{'toolCallId':'c1','toolName':'pw','result':'ok'},'metadata':{'mastra':{'toolPayloadTransform':{'display':{'output-available':{'transformed':'done'}}}}}}
                        """, """
                        {'type':'tool-input-delta','toolCallId':'c1','inputTextDelta':'*'}
                        {'type':'tool-input-available','toolCallId':'c1','toolName':'pw','input':{'pw':'***'}}
                        {'type':'tool-output-available','toolCallId':'c1','output':'done'}
                        """),
                of("a tool call without args has no input", """
                        {'type':'tool-call','runId':'r1','payload':{'toolCallId':'c1','toolName':'noop'}}
                        """, """
                        {'type':'tool-input-available','toolCallId':'c1','toolName':'noop'}
                        """),
                of("a suspended tool call becomes data-tool-call-suspended", """
                        {'type':'tool-call-suspended','runId':'r1','from':'AGENT','payload':{'toolCallId':'c1','toolName':'ask','suspendPayload':{'q':'sure?'},'args':{},'resumeSchema':''}}
                        """, """
                        {'type':'data-tool-call-suspended','data':{'state':'data-tool-call-suspended','runId':'r1','toolCallId':'c1','toolName':'ask','suspendPayload':{'q':'sure?'},'resumeSchema':''},'id':'c1'}
                        """),
                of("a declined approval becomes tool-output-denied", """
                        {'type':'tool-output-denied','runId':'r1','payload':{'toolCallId':'c1','toolName':'rm','approval':{'id':'c1','approved':false}}}
                        """, """
                        {'type':'tool-output-denied','toolCallId':'c1'}
                        """),
                of("an approval in v6 is announced by tool-approval-request",
                        UiStreamOptions.builder().version(UiStreamVersion.V6).build(), """
                        {'type':'tool-call-approval','runId':'r1','payload':{'toolCallId':'c1','toolName':'rm','args':{'id':1},'resumeSchema':'{}'}}
                        """, """
                        {'type':'tool-approval-request','approvalId':'r1::c1','toolCallId':'c1'}
                        {'type':'data-tool-call-approval','data':{'state':'data-tool-call-approval','runId':'r1','toolCallId':'c1','toolName':'rm','args':{'id':1},'resumeSchema':'{}'},'id':'c1'}
                        """));
    }

    static Stream<UiCase> toolOutputs() {
        return Stream.of(
                of("a tool output wrapping a data chunk gives that data chunk", """
                        {'type':'tool-output','runId':'r1','from':'USER','payload':{'output':{'type':'data-step','data':{'n':1},'id':'s1','transient':true},'toolCallId':'c1','toolName':'t'}}
                        """, """
                        {'type':'data-step','data':{'n':1},'id':'s1'}
                        """),
                of("a nested tool output is unwrapped to its leaf", """
                        {'type':'tool-output','runId':'r1','from':'USER','payload':{'output':{'type':'tool-output','runId':'r2','from':'USER','payload':{'output':{'type':'data-inner','data':7},'toolCallId':'c2','toolName':'u'}},'toolCallId':'c1','toolName':'t'}}
                        """, """
                        {'type':'data-inner','data':7}
                        """),
                of("a nested tool output without a tool call id gives nothing", """
                        {'type':'tool-output','runId':'r1','payload':{'output':{'type':'tool-output','payload':{'output':{'type':'data-inner','data':7}}},'toolCallId':'c1'}}
                        """, ""),
                of("a tool output of a plain value or a custom event gives nothing", """
                        {'type':'tool-output','runId':'r1','from':'USER','payload':{'output':'50%','toolCallId':'c1','toolName':'t'}}
                        {'type':'tool-output','runId':'r1','from':'USER','payload':{'output':42,'toolCallId':'c1','toolName':'t'}}
                        {'type':'tool-output','runId':'r1','from':'USER','payload':{'output':{'type':'custom-event','status':'x'},'toolCallId':'c1','toolName':'t'}}
                        """, ""),
                of("a sub-agent chunk in a tool output is dropped", """
                        {'type':'tool-output','runId':'r1','from':'USER','payload':{'output':{'type':'text-delta','runId':'r2','from':'AGENT','payload':{'id':'t','text':'hi'}},'toolCallId':'c1','toolName':'agent-sub'}}
                        """, ""),
                of("a data chunk without data in a tool output becomes an error chunk", """
                        {'type':'tool-output','runId':'r1','payload':{'output':{'type':'data-bad'},'toolCallId':'c1'}}
                        """, """
                        {'type':'error','errorText':'UI stream chunk \\"data-bad\\" has no \\"data\\" field; the chunk was dropped'}
                        """),
                of("a workflow used as a tool gives data-tool-workflow snapshots", """
                        {'type':'tool-output','runId':'r1','payload':{'output':{'type':'workflow-start','runId':'w1','from':'WORKFLOW','payload':{'workflowId':'wf'}},'toolCallId':'c1','toolName':'workflow-wf'}}
                        {'type':'tool-output','runId':'r1','payload':{'output':{'type':'workflow-step-start','runId':'w1','from':'WORKFLOW','payload':{'id':'a','status':'running','payload':{'x':1}}},'toolCallId':'c1'}}
                        {'type':'tool-output','runId':'r1','payload':{'output':{'type':'workflow-step-output','runId':'w1','from':'USER','payload':{'output':{'type':'text-delta','runId':'r3','from':'AGENT','payload':{'id':'t','text':'hidden'}}}},'toolCallId':'c1'}}
                        {'type':'tool-output','runId':'r1','payload':{'output':{'type':'data-wf-note','runId':'w1','from':'WORKFLOW','data':{'k':1}},'toolCallId':'c1'}}
                        {'type':'tool-output','runId':'r1','payload':{'output':{'type':'workflow-step-result','runId':'w1','from':'WORKFLOW','payload':{'id':'a','status':'success','output':{'y':2}}},'toolCallId':'c1'}}
                        {'type':'tool-output','runId':'r1','payload':{'output':{'type':'workflow-finish','runId':'w1','from':'WORKFLOW','payload':{'workflowStatus':'success','output':{'usage':{}}}},'toolCallId':'c1'}}
                        """, """
                        {'type':'data-tool-workflow','id':'w1','data':{'name':'wf','status':'running','steps':{},'output':null}}
                        {'type':'data-tool-workflow','id':'w1','data':{'name':'wf','status':'running','steps':{'a':{'name':'a','status':'running','input':{'x':1},'output':null,'suspendPayload':null,'resumePayload':null}},'output':null}}
                        {'type':'data-wf-note','data':{'k':1}}
                        {'type':'data-tool-workflow','id':'w1','data':{'name':'wf','status':'running','steps':{'a':{'name':'a','status':'success','input':{'x':1},'output':null,'suspendPayload':null,'resumePayload':null}},'output':null}}
                        {'type':'data-tool-workflow-step','id':'w1:a','data':{'name':'wf','status':'running','stepId':'a','step':{'name':'a','status':'success','input':{'x':1},'output':{'y':2},'suspendPayload':null,'resumePayload':null}}}
                        {'type':'data-tool-workflow','id':'w1','data':{'name':'wf','status':'success','steps':{'a':{'name':'a','status':'success','input':{'x':1},'output':{'y':2},'suspendPayload':null,'resumePayload':null}},'output':{'usage':{}}}}
                        """));
    }

    /** The error value of a tool-error or error chunk, and the errorText the UI gets. */
    static Stream<Arguments> errorTexts() {
        return Stream.of(
                Arguments.of("{'name':'MastraError','cause':{'message':'boom','name':'Error'},'id':'TOOL_EXECUTION_FAILED','domain':'TOOL','category':'USER','details':{'errorMessage':'boom'}}",
                        "{\"name\":\"MastraError\",\"cause\":{\"message\":\"boom\",\"name\":\"Error\"},\"id\":\"TOOL_EXECUTION_FAILED\",\"domain\":\"TOOL\",\"category\":\"USER\",\"details\":{\"errorMessage\":\"boom\"}}"),
                Arguments.of("'plain text'", "plain text"),
                Arguments.of("{}", "[object Object]"),
                Arguments.of("[1,2]", "[1,2]"),
                Arguments.of("null", "null"),
                Arguments.of("true", "true"),
                Arguments.of("404", "404"),
                Arguments.of("2.50", "2.5"),
                Arguments.of("1e21", "1e+21"),
                Arguments.of("0.0000001", "1e-7"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolCalls")
    void shouldConvertToolCallsAsToAiSdkStreamDoes(UiCase row) {
        row.assertConverts();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolOutputs")
    void shouldUnwrapToolOutputsAsToAiSdkStreamDoes(UiCase row) {
        row.assertConverts();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("errorTexts")
    void shouldWriteTheErrorTextOfAToolErrorAsSafeParseErrorObjectDoes(String error, String errorText) {
        List<ObjectNode> ui = convert("{'type':'tool-error','runId':'r1','payload':{'toolCallId':'c1','toolName':'t','error':"
                + error + "}}");
        assertThat(ui).hasSize(1);
        assertThat(ui.get(0).get("type").textValue()).isEqualTo("tool-output-error");
        assertThat(ui.get(0).get("toolCallId").textValue()).isEqualTo("c1");
        assertThat(ui.get(0).get("errorText").textValue()).isEqualTo(errorText);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("errorTexts")
    void shouldWriteTheErrorTextOfAnErrorChunkAsSafeParseErrorObjectDoes(String error, String errorText) {
        List<ObjectNode> ui = convert("{'type':'error','runId':'r1','payload':{'error':" + error + "}}");
        assertThat(ui).singleElement().satisfies(chunk -> {
            assertThat(chunk.get("type").textValue()).isEqualTo("error");
            assertThat(chunk.get("errorText").textValue()).isEqualTo(errorText);
        });
    }

    @Test
    void shouldWriteUndefinedForAnErrorChunkWithoutAnError() {
        assertThat(convert("{'type':'error','runId':'r1','payload':{}}"))
                .singleElement().satisfies(chunk -> assertThat(chunk.get("errorText").textValue()).isEqualTo("undefined"));
    }

    private static List<ObjectNode> convert(String line) {
        return UiMessageStreamConverter.convertAll(UiCase.of("", line, "").chunks(), UiStreamOptions.defaults());
    }
}
