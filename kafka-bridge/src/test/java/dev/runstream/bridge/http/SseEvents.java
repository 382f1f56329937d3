package dev.runstream.bridge.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A test SSE reader that parses the wire exactly: blocks separated by blank lines, with their {@code id:},
 * {@code event:}, {@code data:} and comment lines, as a browser's EventSource would see them.
 */
final class SseEvents {

    /** One block of the stream. A Mastra chunk's id comes in a block of its own. */
    record Block(String id, String event, String data, boolean comment) {
    }

    /** What a read gave: the status, headers of interest and blocks, in order. */
    record Read(int status, String contentType, String uiStreamHeader, List<Block> blocks) {

        List<String> data() {
            return blocks.stream().filter(b -> b.data() != null && b.event() == null).map(Block::data).toList();
        }

        /** The last id seen, as an EventSource records it. */
        String lastEventId() {
            String last = null;
            for (Block block : blocks) {
                if (block.id() != null) {
                    last = block.id();
                }
            }
            return last;
        }
    }

    private SseEvents() {
    }

    /**
     * Reads the stream to its end, or until {@code maxDataBlocks} data blocks (and, when {@code idAfterData} — Mastra
     * format — the id block after the last), then hangs up.
     */
    static Read read(HttpClient client, URI uri, String lastEventId, String token, int maxDataBlocks,
            boolean idAfterData)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        List<Block> blocks = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            boolean comment = false;
            int dataBlocks = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (id != null || event != null || data != null || comment) {
                        blocks.add(new Block(id, event, data == null ? null : data.toString(), comment));
                        if (data != null && ++dataBlocks >= maxDataBlocks) {
                            String next = idAfterData ? reader.readLine() : null;
                            if (next != null && next.startsWith("id: ")) {
                                blocks.add(new Block(next.substring(4), null, null, false));
                            }
                            break;
                        }
                    }
                    id = null;
                    event = null;
                    data = null;
                    comment = false;
                } else if (line.startsWith(":")) {
                    comment = true;
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
                }
            }
        }
        return new Read(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                response.headers().firstValue("x-vercel-ai-ui-message-stream").orElse(null), blocks);
    }
}
