package dev.runstream.core.ui;

import static dev.runstream.core.ui.UiCase.of;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Agent streams outside the corpus, converted as {@code toAISdkStream} does. */
class AgentUiConversionTest {

    private static final UiStreamOptions V6 = UiStreamOptions.builder().version(UiStreamVersion.V6).build();
    private static final UiStreamOptions V7 = UiStreamOptions.builder().version(UiStreamVersion.V7).build();
    private static final UiStreamOptions SOURCES = UiStreamOptions.builder().sendSources(true).build();
    private static final UiStreamOptions NO_FINISH = UiStreamOptions.builder().sendFinish(false).build();

    static Stream<UiCase> endings() {
        return Stream.of(
                of("a tripwire gives data-tripwire and the stream ends with finish other", """
                        {'type':'start','runId':'r1','from':'AGENT','payload':{'messageId':'m1'}}
                        {'type':'step-start','runId':'r1','from':'AGENT','payload':{'messageId':'m1'}}
                        {'type':'text-start','runId':'r1','from':'AGENT','payload':{'id':'t1'}}
                        {'type':'text-delta','runId':'r1','from':'AGENT','payload':{'id':'t1','text':'Hel'}}
                        {'type':'tripwire','payload':{'reason':'blocked','retry':false,'processorId':'mod'}}
                        """, """
                        {'type':'start','messageId':'m1'}
                        {'type':'start-step'}
                        {'type':'text-start','id':'t1'}
                        {'type':'text-delta','id':'t1','delta':'Hel'}
                        {'type':'data-tripwire','data':{'reason':'blocked','retry':false,'processorId':'mod'}}
                        {'type':'finish','finishReason':'other'}
                        """),
                of("an input processor tripwire alone gives data-tripwire and finish other", """
                        {'type':'tripwire','payload':{'reason':'no','metadata':{'k':1}}}
                        """, """
                        {'type':'data-tripwire','data':{'reason':'no','metadata':{'k':1}}}
                        {'type':'finish','finishReason':'other'}
                        """),
                of("a tripwire adds no finish when finishes are not sent", NO_FINISH, """
                        {'type':'tripwire','payload':{'reason':'no'}}
                        """, """
                        {'type':'data-tripwire','data':{'reason':'no'}}
                        """),
                of("a tripwire followed by a finish adds no second finish", """
                        {'type':'tripwire','payload':{'reason':'no'}}
                        {'type':'finish','runId':'r1','payload':{'stepResult':{'reason':'tripwire'}}}
                        """, """
                        {'type':'data-tripwire','data':{'reason':'no'}}
                        {'type':'finish','finishReason':'other'}
                        """),
                of("an abort then a finish with reason tripwire gives abort then finish other", """
                        {'type':'start','runId':'r1','payload':{'messageId':'m1'}}
                        {'type':'step-start','runId':'r1','payload':{'messageId':'m1'}}
                        {'type':'abort','runId':'r1','payload':{}}
                        {'type':'finish','runId':'r1','payload':{'stepResult':{'reason':'tripwire'},'output':{}}}
                        """, """
                        {'type':'start','messageId':'m1'}
                        {'type':'start-step'}
                        {'type':'abort'}
                        {'type':'finish','finishReason':'other'}
                        """),
                of("an error without a finish ends the stream with the error alone", """
                        {'type':'start','runId':'r1','payload':{'messageId':'m1'}}
                        {'type':'step-start','runId':'r1','payload':{'messageId':'m1'}}
                        {'type':'error','runId':'r1','from':'AGENT','payload':{'error':'timed out'}}
                        """, """
                        {'type':'start','messageId':'m1'}
                        {'type':'start-step'}
                        {'type':'error','errorText':'timed out'}
                        """),
                of("a finish is dropped when finishes are not sent", NO_FINISH, """
                        {'type':'finish','runId':'r1','payload':{'stepResult':{'reason':'stop'}}}
                        """, ""),
                of("v5 passes a non-standard finish reason through", """
                        {'type':'finish','runId':'r1','payload':{'stepResult':{'reason':'unknown'}}}
                        """, """
                        {'type':'finish','finishReason':'unknown'}
                        """),
                of("v5 maps the retry finish reason to other", """
                        {'type':'finish','runId':'r1','payload':{'stepResult':{'reason':'retry'}}}
                        """, """
                        {'type':'finish','finishReason':'other'}
                        """),
                of("v5 omits a missing finish reason", """
                        {'type':'finish','runId':'r1','payload':{}}
                        """, """
                        {'type':'finish'}
                        """),
                of("v6 normalises a non-standard finish reason to other", V6, """
                        {'type':'finish','runId':'r1','payload':{'stepResult':{'reason':'unknown'}}}
                        """, """
                        {'type':'finish','finishReason':'other'}
                        """),
                of("v6 writes other for a missing finish reason", V6, """
                        {'type':'finish','runId':'r1','payload':{}}
                        """, """
                        {'type':'finish','finishReason':'other'}
                        """),
                of("v7 keeps a standard finish reason", V7, """
                        {'type':'finish','runId':'r1','payload':{'stepResult':{'reason':'content-filter'}}}
                        """, """
                        {'type':'finish','finishReason':'content-filter'}
                        """));
    }

    static Stream<UiCase> starts() {
        return Stream.of(
                of("a held start takes the message id of a different first step", """
                        {'type':'start','runId':'r1','payload':{'messageId':'m1'}}
                        {'type':'data-note','data':{'n':1}}
                        {'type':'step-start','runId':'r1','payload':{'messageId':'m2'}}
                        """, """
                        {'type':'start','messageId':'m2'}
                        {'type':'data-note','data':{'n':1}}
                        {'type':'start-step'}
                        """),
                of("the configured last message id wins over the run's",
                        UiStreamOptions.builder().lastMessageId("last").build(), """
                        {'type':'start','runId':'r1','payload':{'messageId':'m1'}}
                        {'type':'step-start','runId':'r1','payload':{'messageId':'m2'}}
                        """, """
                        {'type':'start','messageId':'last'}
                        {'type':'start-step'}
                        """),
                of("a start without a message id has none", """
                        {'type':'start','runId':'r1','payload':{'messageId':''}}
                        {'type':'text-start','runId':'r1','payload':{'id':'t1'}}
                        """, """
                        {'type':'start'}
                        {'type':'text-start','id':'t1'}
                        """),
                of("chunks still held at the end are released", """
                        {'type':'start','runId':'r1','payload':{'messageId':'m1'}}
                        {'type':'data-note','data':{'n':1},'transient':true}
                        """, """
                        {'type':'start','messageId':'m1'}
                        {'type':'data-note','data':{'n':1}}
                        """),
                of("no start is sent when starts are off", UiStreamOptions.builder().sendStart(false).build(), """
                        {'type':'start','runId':'r1','payload':{'messageId':'m1'}}
                        {'type':'step-start','runId':'r1','payload':{'messageId':'m1'}}
                        """, """
                        {'type':'start-step'}
                        """));
    }

    static Stream<UiCase> content() {
        return Stream.of(
                of("sources are dropped unless they are sent", """
                        {'type':'source','runId':'r1','payload':{'id':'s1','sourceType':'url','url':'https://a.example','title':''}}
                        """, ""),
                of("a url source becomes source-url with its title", SOURCES, """
                        {'type':'source','runId':'r1','payload':{'id':'s1','sourceType':'url','url':'https://a.example','title':'','providerMetadata':{'p':{'x':1}}}}
                        """, """
                        {'type':'source-url','sourceId':'s1','url':'https://a.example','title':'','providerMetadata':{'p':{'x':1}}}
                        """),
                of("a document source becomes source-document", SOURCES, """
                        {'type':'source','runId':'r1','payload':{'id':'s2','sourceType':'document','mimeType':'application/pdf','title':'Spec','filename':'spec.pdf'}}
                        """, """
                        {'type':'source-document','sourceId':'s2','mediaType':'application/pdf','title':'Spec','filename':'spec.pdf'}
                        """),
                of("a file with base64 string data becomes a data url of that string", """
                        {'type':'file','runId':'r1','payload':{'data':'aGVsbG8=','base64':'aGVsbG8=','mimeType':'text/plain'}}
                        """, """
                        {'type':'file','mediaType':'text/plain','url':'data:text/plain;base64,aGVsbG8='}
                        """),
                of("a file with serialized byte data is encoded to base64", """
                        {'type':'file','runId':'r1','payload':{'data':{'1':111,'0':110},'mimeType':'text/plain'}}
                        """, """
                        {'type':'file','mediaType':'text/plain','url':'data:text/plain;base64,bm8='}
                        """),
                of("an object result gives data-structured-output and partial objects give nothing", """
                        {'type':'object','runId':'r1','from':'AGENT','object':{'tempC':1}}
                        {'type':'object-result','runId':'r1','from':'AGENT','object':{'tempC':19}}
                        """, """
                        {'type':'data-structured-output','data':{'object':{'tempC':19}}}
                        """),
                of("an openai item id is removed from text metadata without reasoning", """
                        {'type':'text-start','runId':'r1','payload':{'id':'t1','providerMetadata':{'openai':{'itemId':'i1'}}}}
                        """, """
                        {'type':'text-start','id':'t1','providerMetadata':{'openai':{}}}
                        """),
                of("an openai item id is kept with reasoning", UiStreamOptions.builder().sendReasoning(true).build(), """
                        {'type':'text-delta','runId':'r1','payload':{'id':'t1','text':'a','providerMetadata':{'openai':{'itemId':'i1'}}}}
                        """, """
                        {'type':'text-delta','id':'t1','delta':'a','providerMetadata':{'openai':{'itemId':'i1'}}}
                        """),
                of("a data chunk keeps type, data and id only", """
                        {'type':'data-progress','data':{'pct':5},'id':'p1','transient':true,'runId':'r1','from':'USER'}
                        """, """
                        {'type':'data-progress','data':{'pct':5},'id':'p1'}
                        """),
                of("a data chunk without data becomes an error chunk naming it", """
                        {'type':'data-broken','id':'b1'}
                        {'type':'text-start','runId':'r1','payload':{'id':'t1'}}
                        """, """
                        {'type':'error','errorText':'UI stream chunk \\"data-broken\\" has no \\"data\\" field; the chunk was dropped'}
                        {'type':'text-start','id':'t1'}
                        """),
                of("a background task event becomes a data chunk with state and run", """
                        {'type':'background-task-started','runId':'r1','from':'AGENT','payload':{'taskId':'bt1','toolName':'slow','toolCallId':'c1'}}
                        """, """
                        {'type':'data-background-task-started','data':{'taskId':'bt1','toolName':'slow','toolCallId':'c1','state':'data-background-task-started','runId':'r1'},'id':'bt1'}
                        """),
                of("chunks without a UI counterpart are dropped", """
                        {'type':'raw','runId':'r1','payload':{'x':1}}
                        {'type':'reasoning-delta','runId':'r1','payload':{'id':'r','text':'hm'}}
                        {'type':'response-metadata','runId':'r1','payload':{}}
                        {'type':'tool-call-input-streaming-end','runId':'r1','payload':{'toolCallId':'c1'}}
                        {'type':'is-task-complete','runId':'r1','payload':{}}
                        {'type':'custom-event','status':'x'}
                        """, ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endings")
    void shouldEndTheUiStreamAsToAiSdkStreamDoes(UiCase row) {
        row.assertConverts();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("starts")
    void shouldHoldAndReleaseTheStartAsToAiSdkStreamDoes(UiCase row) {
        row.assertConverts();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("content")
    void shouldConvertContentChunksAsToAiSdkStreamDoes(UiCase row) {
        row.assertConverts();
    }
}
