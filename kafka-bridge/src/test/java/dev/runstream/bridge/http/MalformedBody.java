package dev.runstream.bridge.http;

import dev.runstream.core.chunk.ChunkBodyFormat;
import dev.runstream.core.testing.ChunkBodies;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated HTTP ingest body in which no chunk is valid: the kinds of bad input a bridge meets, framed in one of
 * the four body formats (or in none).
 */
record MalformedBody(String kind, String contentType, byte[] bytes) {

    private static final List<String> KINDS = List.of("truncated-json", "wrong-type-type", "wrong-payload-type",
            "missing-type", "empty-type", "not-an-object", "invalid-utf8", "deep-nesting", "huge-string",
            "duplicate-key", "nan-number", "bare-words", "unknown-content-type", "other-run");

    static MalformedBody generate(Random random, int index) {
        String kind = KINDS.get(random.nextInt(KINDS.size()));
        ChunkBodyFormat format = ChunkBodyFormat.values()[random.nextInt(ChunkBodyFormat.values().length)];
        if (kind.equals("unknown-content-type")) {
            return new MalformedBody(kind, "application/xml", "<chunk type=\"start\"/>".getBytes(StandardCharsets.UTF_8));
        }
        if (kind.equals("invalid-utf8")) {
            byte[] text = ChunkBodies.renderJson(List.of("{\"type\":\"text-delta\",\"payload\":{\"text\":\"XX\"}}"),
                    format);
            for (int i = 0; i + 1 < text.length; i++) {
                if (text[i] == 'X' && text[i + 1] == 'X') {
                    text[i] = (byte) 0xC3;
                    text[i + 1] = (byte) 0x28;
                    break;
                }
            }
            return new MalformedBody(kind, ChunkBodies.mediaType(format), text);
        }
        List<String> items = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            items.add(item(kind, random, index));
        }
        return new MalformedBody(kind, random.nextInt(5) == 0 ? null : ChunkBodies.mediaType(format),
                ChunkBodies.renderJson(items, format));
    }

    private static String item(String kind, Random random, int index) {
        return switch (kind) {
            case "truncated-json" -> {
                String whole = "{\"type\":\"text-delta\",\"payload\":{\"id\":\"t\",\"text\":\"hello " + index + "\"}}";
                yield whole.substring(0, 1 + random.nextInt(whole.length() - 2)).replace("}", "");
            }
            case "wrong-type-type" -> "{\"type\":" + List.of("42", "true", "null", "[\"text\"]", "{}")
                    .get(random.nextInt(5)) + "}";
            case "wrong-payload-type" -> "{\"type\":\"text-delta\",\"runId\":" + random.nextInt() + "}";
            case "missing-type" -> "{\"payload\":{\"text\":\"x\"},\"runId\":\"bad-" + index + "\"}";
            case "empty-type" -> "{\"type\":\"\"}";
            case "not-an-object" -> List.of("42", "\"text-delta\"", "null", "true").get(random.nextInt(4));
            case "deep-nesting" -> "{\"type\":\"data-x\",\"data\":" + "[".repeat(300 + random.nextInt(200))
                    + "]".repeat(0) + "}";
            case "huge-string" -> "{\"type\":\"text-delta\",\"payload\":{\"text\":\""
                    + "x".repeat(70_000 + random.nextInt(10_000)) + "\"}}";
            case "duplicate-key" -> "{\"type\":\"start\",\"type\":\"finish\"}";
            case "nan-number" -> "{\"type\":\"finish\",\"payload\":{\"usage\":{\"inputTokens\":NaN}}}";
            case "bare-words" -> "hello world " + index;
            case "other-run" -> "{\"type\":\"start\",\"runId\":\"someone-else-" + index + "\"}";
            default -> throw new IllegalStateException(kind);
        };
    }
}
