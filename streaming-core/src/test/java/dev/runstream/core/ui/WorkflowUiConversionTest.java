package dev.runstream.core.ui;

import static dev.runstream.core.ui.UiCase.of;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Workflow streams outside the corpus, converted as {@code toAISdkStream(run, {from:"workflow"})} does. */
class WorkflowUiConversionTest {

    private static final UiStreamOptions WORKFLOW = UiStreamOptions.builder().source(UiStreamSource.WORKFLOW).build();

    static Stream<UiCase> workflows() {
        return Stream.of(
                of("a failed step shows status failed and output null, and the run ends failed", """
                        {'type':'workflow-start','runId':'w1','from':'WORKFLOW','payload':{'workflowId':'wf'}}
                        {'type':'workflow-step-start','runId':'w1','from':'WORKFLOW','payload':{'stepName':'a','id':'a','payload':{'n':1},'status':'running'}}
                        {'type':'workflow-step-result','runId':'w1','from':'WORKFLOW','payload':{'id':'a','status':'success','output':{'n':2}}}
                        {'type':'workflow-step-start','runId':'w1','from':'WORKFLOW','payload':{'stepName':'b','id':'b','payload':{'n':2},'status':'running'}}
                        {'type':'workflow-step-result','runId':'w1','from':'WORKFLOW','payload':{'id':'b','status':'failed','error':{'message':'boom','name':'Error'}}}
                        {'type':'workflow-finish','runId':'w1','from':'WORKFLOW','payload':{'workflowStatus':'failed','metadata':{},'output':{'usage':{'inputTokens':0}}}}
                        """, """
                        {'type':'start'}
                        {'type':'data-workflow','id':'w1','data':{'name':'wf','status':'running','steps':{},'output':null}}
                        {'type':'data-workflow','id':'w1','data':{'name':'wf','status':'running','steps':{'a':{'name':'a','status':'running','input':{'n':1},'output':null,'suspendPayload':null,'resumePayload':null}},'output':null}}
                        {'type':'data-workflow','id':'w1','data':{'name':'wf','status':'running','steps':{'a':{'name':'a','status':'success','input':{'n':1},'output':null,'suspendPayload':null,'resumePayload':null}},'output':null}}
                        {'type':'data-workflow-step','id':'w1:a','data':{'name':'wf','status':'running','stepId':'a','step':{'name':'a','status':'success','input':{'n':1},'output':{'n':2},'suspendPayload':null,'resumePayload':null}}}
                        {'type':'data-workflow','id':'w1','data':{'name':'wf','status':'running','steps':{'a':{'name':'a','status':'success','input':{'n':1},'output':null,'suspendPayload':null,'resumePayload':null},'b':{'name':'b','status':'running','input':{'n':2},'output':null,'suspendPayload':null,'resumePayload':null}},'output':null}}
                        {'type':'data-workflow','id':'w1','data':{'name':'wf','status':'running','steps':{'a':{'name':'a','status':'success','input':{'n':1},'output':null,'suspendPayload':null,'resumePayload':null},'b':{'name':'b','status':'failed','input':{'n':2},'output':null,'suspendPayload':null,'resumePayload':null}},'output':null}}
                        {'type':'data-workflow-step','id':'w1:b','data':{'name':'wf','status':'running','stepId':'b','step':{'name':'b','status':'failed','input':{'n':2},'output':null,'suspendPayload':null,'resumePayload':null}}}
                        {'type':'data-workflow','id':'w1','data':{'name':'wf','status':'failed','steps':{'a':{'name':'a','status':'success','input':{'n':1},'output':{'n':2},'suspendPayload':null,'resumePayload':null},'b':{'name':'b','status':'failed','input':{'n':2},'output':null,'suspendPayload':null,'resumePayload':null}},'output':{'usage':{'inputTokens':0}}}}
                        {'type':'finish'}
                        """),
                of("a canceled run shows nothing for the cancel and ends canceled", """
                        {'type':'workflow-start','runId':'w1','from':'WORKFLOW','payload':{'workflowId':'wf'}}
                        {'type':'workflow-canceled','runId':'w1','from':'WORKFLOW','payload':{}}
                        {'type':'workflow-finish','runId':'w1','from':'WORKFLOW','payload':{'workflowStatus':'canceled','metadata':{},'output':{'usage':{}}}}
                        """, """
                        {'type':'start'}
                        {'type':'data-workflow','id':'w1','data':{'name':'wf','status':'running','steps':{},'output':null}}
                        {'type':'data-workflow','id':'w1','data':{'name':'wf','status':'canceled','steps':{},'output':{'usage':{}}}}
                        {'type':'finish'}
                        """),
                of("a sleep step without a step start is known by its status and output only", """
                        {'type':'workflow-start','runId':'w1','from':'WORKFLOW','payload':{'workflowId':'wf'}}
                        {'type':'workflow-step-waiting','runId':'w1','from':'WORKFLOW','payload':{'stepName':'sleep_1','id':'sleep_1','payload':{'n':1},'status':'waiting'}}
                        {'type':'workflow-step-result','runId':'w1','from':'WORKFLOW','payload':{'stepName':'sleep_1','id':'sleep_1','status':'success','output':{'n':1}}}
                        {'type':'workflow-finish','runId':'w1','from':'WORKFLOW','payload':{'workflowStatus':'success','output':{'usage':{}}}}
                        """, """
                        {'type':'start'}
                        {'type':'data-workflow','id':'w1','data':{'name':'wf','status':'running','steps':{},'output':null}}
                        {'type':'data-workflow','id':'w1','data':{'name':'wf','status':'running','steps':{'sleep_1':{'status':'success','output':null}},'output':null}}
                        {'type':'data-workflow-step','id':'w1:sleep_1','data':{'name':'wf','status':'running','stepId':'sleep_1','step':{'status':'success','output':{'n':1}}}}
                        {'type':'data-workflow','id':'w1','data':{'name':'wf','status':'success','steps':{'sleep_1':{'status':'success','output':{'n':1}}},'output':{'usage':{}}}}
                        {'type':'finish'}
                        """),
                of("step events of a run that never started give nothing but a step start creates it nameless", """
                        {'type':'workflow-step-result','runId':'w1','from':'WORKFLOW','payload':{'id':'a','status':'success','output':1}}
                        {'type':'workflow-step-suspended','runId':'w1','from':'WORKFLOW','payload':{'id':'a','status':'suspended'}}
                        {'type':'workflow-finish','runId':'w1','from':'WORKFLOW','payload':{'workflowStatus':'success'}}
                        {'type':'workflow-step-start','runId':'w1','from':'WORKFLOW','payload':{'id':'a','status':'running'}}
                        """, """
                        {'type':'start'}
                        {'type':'data-workflow','id':'w1','data':{'name':'','status':'running','steps':{'a':{'name':'a','status':'running','input':null,'output':null,'suspendPayload':null,'resumePayload':null}},'output':null}}
                        {'type':'finish'}
                        """),
                of("a step writing agent chunks shows text and tools but not steps, starts or approvals", """
                        {'type':'workflow-step-output','runId':'w1','from':'USER','payload':{'stepName':'a','output':{'type':'start','runId':'r2','from':'AGENT','payload':{'messageId':'m'}}}}
                        {'type':'workflow-step-output','runId':'w1','from':'USER','payload':{'stepName':'a','output':{'type':'step-start','runId':'r2','from':'AGENT','payload':{}}}}
                        {'type':'workflow-step-output','runId':'w1','from':'USER','payload':{'stepName':'a','output':{'type':'tool-call-input-streaming-start','runId':'r2','from':'AGENT','payload':{'toolCallId':'c1','toolName':'t'}}}}
                        {'type':'workflow-step-output','runId':'w1','from':'USER','payload':{'stepName':'a','output':{'type':'tool-call','runId':'r2','from':'AGENT','payload':{'toolCallId':'c1','toolName':'t','args':{}}}}}
                        {'type':'workflow-step-output','runId':'w1','from':'USER','payload':{'stepName':'a','output':{'type':'tool-call-approval','runId':'r2','from':'AGENT','payload':{'toolCallId':'c1','toolName':'t','args':{}}}}}
                        {'type':'workflow-step-output','runId':'w1','from':'USER','payload':{'stepName':'a','output':{'type':'tool-error','runId':'r2','from':'AGENT','payload':{'toolCallId':'c1','toolName':'t','error':'bad'}}}}
                        {'type':'workflow-step-output','runId':'w1','from':'USER','payload':{'stepName':'a','output':{'type':'reasoning-delta','runId':'r2','from':'AGENT','payload':{'id':'r','text':'hm'}}}}
                        {'type':'workflow-step-output','runId':'w1','from':'USER','payload':{'stepName':'a','output':{'type':'finish','runId':'r2','from':'AGENT','payload':{'stepResult':{'reason':'stop'}}}}}
                        {'type':'workflow-step-output','runId':'w1','from':'USER','payload':{'stepName':'a','output':{'type':'data-mine','data':[1]}}}
                        {'type':'workflow-step-output','runId':'w1','from':'USER','payload':{'stepName':'a','output':'plain'}}
                        """, """
                        {'type':'start'}
                        {'type':'tool-input-available','toolCallId':'c1','toolName':'t','input':{}}
                        {'type':'tool-output-error','toolCallId':'c1','errorText':'bad'}
                        {'type':'data-mine','data':[1]}
                        {'type':'finish'}
                        """),
                of("without text stream parts a step's agent chunks are dropped but its data chunks kept",
                        UiStreamOptions.builder().includeTextStreamParts(false).build(), """
                        {'type':'workflow-step-output','runId':'w1','from':'USER','payload':{'output':{'type':'text-delta','runId':'r2','from':'AGENT','payload':{'id':'t','text':'x'}}}}
                        {'type':'workflow-step-output','runId':'w1','from':'USER','payload':{'output':{'type':'data-mine','data':1}}}
                        """, """
                        {'type':'start'}
                        {'type':'data-mine','data':1}
                        {'type':'finish'}
                        """),
                of("a workflow data chunk without data becomes an error chunk", """
                        {'type':'workflow-start','runId':'w1','from':'WORKFLOW','payload':{'workflowId':'wf'}}
                        {'type':'data-wf-broken','runId':'w1','from':'WORKFLOW'}
                        """, """
                        {'type':'start'}
                        {'type':'data-workflow','id':'w1','data':{'name':'wf','status':'running','steps':{},'output':null}}
                        {'type':'error','errorText':'UI stream chunk \\"data-wf-broken\\" has no \\"data\\" field; the chunk was dropped'}
                        {'type':'finish'}
                        """),
                of("an empty workflow stream is still framed by start and finish", WORKFLOW, "", """
                        {'type':'start'}
                        {'type':'finish'}
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workflows")
    void shouldConvertWorkflowStreamsAsToAiSdkStreamDoes(UiCase row) {
        row.assertConverts();
    }
}
