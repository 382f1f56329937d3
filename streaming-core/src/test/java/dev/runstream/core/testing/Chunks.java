package dev.runstream.core.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.json.Json;

/** Hand-made chunks for table tests, in Mastra's shapes. */
public final class Chunks {

    public static final String RUN = "run-1";

    private Chunks() {
    }

    public static Chunk json(String json) {
        return MastraChunkCodec.decode(json).attributedTo(RUN);
    }

    public static Chunk agent(String type, String payloadJson) {
        ObjectNode chunk = Json.object().put("type", type).put("runId", RUN).put("from", "AGENT");
        chunk.set("payload", Corpus.parse(payloadJson));
        return Chunk.of(chunk);
    }

    public static Chunk start() {
        return agent("start", "{\"id\":\"a\",\"messageId\":\"m1\"}");
    }

    public static Chunk stepStart() {
        return agent("step-start", "{\"request\":{},\"warnings\":[],\"messageId\":\"m1\"}");
    }

    public static Chunk text(String text) {
        return agent("text-delta", "{\"id\":\"t\",\"text\":" + Json.NODES.textNode(text) + "}");
    }

    public static Chunk toolCall(String id, String name) {
        return agent("tool-call", "{\"toolCallId\":\"" + id + "\",\"toolName\":\"" + name + "\",\"args\":{}}");
    }

    public static Chunk toolResult(String id, String name) {
        return agent("tool-result", "{\"toolCallId\":\"" + id + "\",\"toolName\":\"" + name + "\",\"result\":1}");
    }

    public static Chunk stepFinish(String reason, int in, int out) {
        return agent("step-finish", "{\"stepResult\":{\"reason\":\"" + reason + "\",\"isContinued\":false},"
                + "\"output\":{\"usage\":{\"inputTokens\":" + in + ",\"outputTokens\":" + out + ",\"totalTokens\":"
                + (in + out) + "}},\"metadata\":{},\"messages\":{\"all\":[],\"user\":[],\"nonUser\":[]}}");
    }

    public static Chunk finish(String reason, int in, int out) {
        return agent("finish", "{\"stepResult\":{\"reason\":\"" + reason + "\",\"isContinued\":false},"
                + "\"output\":{\"usage\":{\"inputTokens\":" + in + ",\"outputTokens\":" + out + ",\"totalTokens\":"
                + (in + out) + "}},\"metadata\":{},\"messages\":{\"all\":[],\"user\":[],\"nonUser\":[]}}");
    }
}
