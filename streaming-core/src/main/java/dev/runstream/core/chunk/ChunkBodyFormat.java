package dev.runstream.core.chunk;

import java.util.Locale;
import java.util.Optional;

/**
 * The four ways a Mastra chunk stream arrives over HTTP, and how to tell them apart.
 *
 * <ul>
 *   <li>{@link #NDJSON}: one chunk per {@code \n}-terminated line ({@code application/x-ndjson},
 *       {@code application/jsonl});</li>
 *   <li>{@link #JSON_ARRAY}: a JSON array of chunks ({@code application/json});</li>
 *   <li>{@link #SSE}: server-sent events whose {@code data:} lines hold one chunk each, as a Mastra agent route
 *       writes them, {@code data: [DONE]} included ({@code text/event-stream});</li>
 *   <li>{@link #RECORD_SEPARATED}: chunks separated by the record separator {@code \x1E}, as a Mastra workflow
 *       route writes them ({@code application/json-seq}).</li>
 * </ul>
 */
public enum ChunkBodyFormat {
    NDJSON, JSON_ARRAY, SSE, RECORD_SEPARATED;

    /** The record separator of {@link #RECORD_SEPARATED}. */
    public static final byte RECORD_SEPARATOR = 0x1E;

    /**
     * The format a media type names, ignoring parameters such as {@code charset}; empty for a media type that names
     * none of them (e.g. {@code text/plain}, which Mastra's workflow route uses: see {@link #sniff}).
     */
    public static Optional<ChunkBodyFormat> ofMediaType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (mediaType) {
            case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/jsonlines",
                    "application/x-jsonlines" -> Optional.of(NDJSON);
            case "application/json" -> Optional.of(JSON_ARRAY);
            case "text/event-stream" -> Optional.of(SSE);
            case "application/json-seq" -> Optional.of(RECORD_SEPARATED);
            default -> Optional.empty();
        };
    }

    /**
     * The format the first bytes of a body show: {@code [} an array, {@code \x1E} record-separated, {@code data:},
     * {@code event:}, {@code id:} or {@code :} server-sent events, {@code {} NDJSON. Leading white space and a UTF-8
     * byte-order mark are skipped. Empty when the bytes show none of these.
     */
    public static Optional<ChunkBodyFormat> sniff(byte[] head, int length) {
        int i = 0;
        if (length >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        while (i < length && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
            i++;
        }
        if (i >= length) {
            return Optional.empty();
        }
        byte first = head[i];
        if (first == '[') {
            return Optional.of(JSON_ARRAY);
        }
        if (first == RECORD_SEPARATOR) {
            return Optional.of(RECORD_SEPARATED);
        }
        if (first == '{') {
            return Optional.of(NDJSON);
        }
        String start = new String(head, i, Math.min(6, length - i), java.nio.charset.StandardCharsets.US_ASCII);
        if (first == ':' || start.startsWith("data:") || start.startsWith("event:") || start.startsWith("id:")) {
            return Optional.of(SSE);
        }
        return Optional.empty();
    }
}
