package dev.runstream.core.ui.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Finds what a {@code tool-output} carries: a tool's {@code writer.write(x)} wraps {@code x} in a
 * {@code tool-output}, and a tool that pipes another tool's stream wraps those again. The leaf is the first object
 * that is not a {@code tool-output}; a wrapper without a string {@code toolCallId} or without an {@code output},
 * and a leaf that is not an object (a string, a number), give nothing. Nested wrappers are read as Mastra writes
 * them, with {@code toolCallId} and {@code output} in their payload, or at their top level.
 *
 * <p>JSON trees have no cycles, so the cycle check of the JavaScript original is not needed.
 */
final class ToolOutputUnwrapper {

    private ToolOutputUnwrapper() {
    }

    /** The leaf of a top-level {@code tool-output}'s {@code payload.output}. */
    static Optional<ChunkJson> leaf(JsonNode output) {
        JsonNode current = output;
        while (current.isContainerNode()) {
            if (!"tool-output".equals(current.path("type").textValue())) {
                return ChunkJson.of(current);
            }
            if (!either(current, "toolCallId").isTextual()) {
                return Optional.empty();
            }
            current = either(current, "output");
        }
        return Optional.empty();
    }

    /** {@code payload[field] ?? wrapper[field]}. */
    private static JsonNode either(JsonNode wrapper, String field) {
        JsonNode nested = wrapper.path("payload").path(field);
        return JsValues.isNullish(nested) ? wrapper.path(field) : nested;
    }
}
