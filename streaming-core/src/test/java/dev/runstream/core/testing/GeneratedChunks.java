package dev.runstream.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.json.Json;
import java.math.BigDecimal;
import java.util.List;
import java.util.Random;

/**
 * Random chunks of every type the protocol spec lists (and of types it does not), with random JSON inside: for
 * property tests of anything that must carry chunks without loss. Seeded, so a failure names a reproducible seed.
 */
public final class GeneratedChunks {

    /** Every chunk type of spec §2-§3, plus data chunks and a type Mastra may add later. */
    public static final List<String> TYPES = List.of("start", "step-start", "step-finish", "finish", "error", "abort",
            "tripwire", "raw", "text-start", "text-delta", "text-end", "reasoning-start", "reasoning-delta",
            "reasoning-end", "reasoning-signature", "redacted-reasoning", "reasoning-file", "source", "file", "custom",
            "object", "object-result", "tool-call-input-streaming-start", "tool-call-delta",
            "tool-call-input-streaming-end", "tool-call", "tool-output", "tool-result", "tool-error",
            "tool-call-approval", "tool-call-suspended", "tool-output-denied", "is-task-complete", "goal",
            "background-task-started", "background-task-completed", "background-task-output", "step-output",
            "workflow-start", "workflow-step-start", "workflow-step-output", "workflow-step-progress",
            "workflow-step-waiting", "workflow-step-suspended", "workflow-step-result", "workflow-step-finish",
            "workflow-paused", "workflow-canceled", "workflow-finish", "routing-agent-text-delta",
            "agent-execution-event-text-delta", "data-progress", "data-thread-title", "some-future-type");

    private static final String[] FROMS = {"AGENT", "USER", "SYSTEM", "WORKFLOW", "NETWORK", "SOMETHING-NEW"};

    private final Random random;

    public GeneratedChunks(long seed) {
        this.random = new Random(seed);
    }

    /** A chunk JSON object of the given type: envelope per the spec's conventions, random payload. */
    public ObjectNode chunk(String type, String runId) {
        ObjectNode chunk = Json.object();
        chunk.put("type", type);
        boolean data = type.startsWith("data-");
        if (!data || random.nextBoolean()) {
            chunk.put("runId", runId);
            chunk.put("from", FROMS[random.nextInt(FROMS.length)]);
        }
        if (data) {
            chunk.set("data", value(3));
            if (random.nextBoolean()) {
                chunk.put("id", string());
            }
            if (random.nextBoolean()) {
                chunk.put("transient", random.nextBoolean());
            }
        } else if (type.equals("object") || type.equals("object-result")) {
            chunk.set("object", value(3));
        } else {
            chunk.set("payload", payload(type));
        }
        if (random.nextInt(5) == 0) {
            chunk.set("metadata", object(2));
        }
        return chunk;
    }

    private ObjectNode payload(String type) {
        ObjectNode payload = object(2);
        switch (type) {
            case "text-delta", "reasoning-delta" -> payload.put("id", string()).put("text", string());
            case "tool-call" -> payload.put("toolCallId", string()).put("toolName", string()).set("args", object(3));
            case "tool-result" -> payload.put("toolCallId", string()).put("toolName", string()).set("result", value(3));
            case "step-finish", "finish" -> {
                ObjectNode usage = payload.putObject("output").putObject("usage");
                usage.put("inputTokens", random.nextInt(100_000)).put("outputTokens", random.nextInt(1000));
                payload.putObject("stepResult").put("reason", "stop").put("isContinued", random.nextBoolean());
            }
            case "workflow-step-result" -> payload.put("id", string()).put("status", "success").set("output", value(2));
            default -> {
                // the random object is the payload
            }
        }
        return payload;
    }

    public JsonNode value(int depth) {
        return switch (random.nextInt(depth <= 0 ? 6 : 8)) {
            case 0 -> Json.NODES.textNode(string());
            case 1 -> Json.NODES.numberNode(random.nextInt());
            case 2 -> Json.NODES.numberNode(random.nextLong());
            case 3 -> Json.NODES.numberNode(new BigDecimal(random.nextGaussian() * 1e6).setScale(random.nextInt(8),
                    java.math.RoundingMode.HALF_UP));
            case 4 -> Json.NODES.booleanNode(random.nextBoolean());
            case 5 -> Json.NODES.nullNode();
            case 6 -> object(depth - 1);
            default -> array(depth - 1);
        };
    }

    private ObjectNode object(int depth) {
        ObjectNode object = Json.object();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
            object.set(string() + i, value(depth));
        }
        return object;
    }

    private ArrayNode array(int depth) {
        ArrayNode array = Json.NODES.arrayNode();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
            array.add(value(depth));
        }
        return array;
    }

    /** Random text: ASCII, escapes, astral emoji, CJK, combining marks, U+2028/U+2029, quotes, NUL. */
    public String string() {
        String[] pieces = {"a", "Z", " ", "\"", "\\", "\n", "\t", "\u0000", "é", "e\u0301", "日本", "\u2028",
                "\u2029", "\uD83D\uDE00", "\uD83D\uDC69\u200D\uD83D\uDCBB", "°C", "</script>", "{", "}"};
        StringBuilder out = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            out.append(pieces[random.nextInt(pieces.length)]);
        }
        return out.toString();
    }
}
