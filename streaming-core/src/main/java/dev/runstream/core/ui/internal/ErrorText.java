package dev.runstream.core.ui.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.json.Json;

/**
 * The {@code errorText} of {@code error} and {@code tool-output-error} UI chunks: {@code @mastra/ai-sdk}'s default
 * {@code onError} ({@code safeParseErrorObject}). An object or array becomes its JSON text, unless that is
 * {@code {}}, which becomes {@code [object Object]}; anything else becomes {@code String(x)}.
 *
 * <p>The JSON text is Jackson's serialization of the JSON node, which is {@code JSON.stringify} of the error as
 * Mastra serialized it (its {@code toJSON}), with one caveat: a number is written as it was received
 * ({@code 1.0} stays {@code 1.0}), where JavaScript would print {@code 1}.
 */
public final class ErrorText {

    private ErrorText() {
    }

    public static String of(JsonNode error) {
        if (JsValues.isNullish(error) || !error.isContainerNode()) {
            return JsValues.string(error);
        }
        String json = Json.write(error);
        return "{}".equals(json) ? JsValues.string(error) : json;
    }
}
