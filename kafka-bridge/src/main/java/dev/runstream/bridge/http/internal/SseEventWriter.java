package dev.runstream.bridge.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes server-sent events. Mastra chunks go out as {@code data: <json>} blocks followed by an {@code id:} block of
 * their own: Mastra's {@code @mastra/client-js} keeps only blocks that begin with {@code data: } and parses all the
 * rest of the block as JSON, so the id cannot share the chunk's block, while browsers' {@code EventSource} still
 * records it as the last event id. UI chunks go out as standard {@code id:} + {@code data:} events, which the AI
 * SDK reads. Line ends are {@code \n} only (Mastra's client reads nothing on {@code \r\n}).
 */
final class SseEventWriter {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;

    SseEventWriter(OutputStream out) {
        this.out = out;
    }

    /** A Mastra chunk and then its id block. */
    void mastraChunk(byte[] json, long sequence) throws IOException {
        out.write(DATA);
        out.write(json);
        out.write(END);
        out.write(("id: " + sequence + "\n\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** A standard event with an id. */
    void event(String id, JsonNode data) throws IOException {
        out.write(("id: " + id + "\n").getBytes(StandardCharsets.UTF_8));
        out.write(DATA);
        out.write(Json.write(data).getBytes(StandardCharsets.UTF_8));
        out.write(END);
    }

    /** A named event without an id ({@code event: <name>}): what an {@code EventSource} listener gets by name. */
    void named(String name, JsonNode data) throws IOException {
        out.write(("event: " + name + "\n").getBytes(StandardCharsets.US_ASCII));
        out.write(DATA);
        out.write(Json.write(data).getBytes(StandardCharsets.UTF_8));
        out.write(END);
    }

    /** {@code data: [DONE]}, the end marker of the AI SDK's UI message stream. */
    void done() throws IOException {
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** An {@code error} event in the bridge's error shape: the stream fails and ends. */
    void error(String code, String message) throws IOException {
        out.write("event: error\n".getBytes(StandardCharsets.US_ASCII));
        out.write(DATA);
        out.write(Json.write(ApiErrors.body(code, message, null)).getBytes(StandardCharsets.UTF_8));
        out.write(END);
        out.flush();
    }

    /** A comment line: keeps the connection open and finds a client that has gone. */
    void comment(String text) throws IOException {
        out.write((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void flush() throws IOException {
        out.flush();
    }
}
