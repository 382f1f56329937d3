package dev.runstream.core.chunk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.json.Json;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Token usage as Mastra reports it ({@code LanguageModelUsage}): each count present or absent, plus the provider's
 * {@code raw} usage. Absent is not zero: Mastra reports {@code usage: {}} after an error, and so does this.
 */
public final class Usage {

    /** The counted keys, in Mastra's names and order. */
    public enum Key {
        INPUT_TOKENS("inputTokens"),
        OUTPUT_TOKENS("outputTokens"),
        TOTAL_TOKENS("totalTokens"),
        REASONING_TOKENS("reasoningTokens"),
        CACHED_INPUT_TOKENS("cachedInputTokens"),
        CACHE_CREATION_INPUT_TOKENS("cacheCreationInputTokens"),
        CACHE_CREATION_INPUT_TOKENS_5M("cacheCreationInputTokens5m"),
        CACHE_CREATION_INPUT_TOKENS_1H("cacheCreationInputTokens1h");

        private final String jsonName;

        Key(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    private static final Key[] KEYS = Key.values();

    /** No count at all: {@code {}}. */
    public static final Usage EMPTY = new Usage(new Long[KEYS.length], MissingNode.getInstance());

    private final Long[] counts;
    private final JsonNode raw;

    private Usage(Long[] counts, JsonNode raw) {
        this.counts = counts;
        this.raw = raw;
    }

    /** The usage in a Mastra usage object; non-numeric values are not counts and are left out. */
    public static Usage fromJson(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return EMPTY;
        }
        Long[] counts = new Long[KEYS.length];
        for (Key key : KEYS) {
            counts[key.ordinal()] = count(usage.get(key.jsonName));
        }
        JsonNode raw = usage.get("raw");
        return new Usage(counts, raw == null ? MissingNode.getInstance() : raw.deepCopy());
    }

    /**
     * The usage of a workflow's nested agent {@code finish}, read as Mastra's workflow output reads it: the V1 names
     * {@code promptTokens}/{@code completionTokens} are accepted for input and output, and numeric strings count.
     */
    public static Usage fromWorkflowJson(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return EMPTY;
        }
        Long[] counts = new Long[KEYS.length];
        for (Key key : KEYS) {
            counts[key.ordinal()] = lenientCount(usage.get(key.jsonName));
        }
        if (counts[Key.INPUT_TOKENS.ordinal()] == null) {
            counts[Key.INPUT_TOKENS.ordinal()] = lenientCount(usage.get("promptTokens"));
        }
        if (counts[Key.OUTPUT_TOKENS.ordinal()] == null) {
            counts[Key.OUTPUT_TOKENS.ordinal()] = lenientCount(usage.get("completionTokens"));
        }
        return new Usage(counts, MissingNode.getInstance());
    }

    /** Zero for each of the given keys, absent for the others. */
    public static Usage zeros(Key... keys) {
        Long[] counts = new Long[KEYS.length];
        for (Key key : keys) {
            counts[key.ordinal()] = 0L;
        }
        return new Usage(counts, MissingNode.getInstance());
    }

    private static Long count(JsonNode node) {
        return node != null && node.isNumber() ? node.longValue() : null;
    }

    private static Long lenientCount(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isNumber()) {
            return node.longValue();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.textValue().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * Mastra's step summation: each count present in {@code other} is added to this one (absent counts as zero),
     * counts absent from {@code other} stay as they are, and {@code raw} becomes {@code other}'s when it has one.
     */
    public Usage plus(Usage other) {
        Long[] sum = counts.clone();
        for (int i = 0; i < sum.length; i++) {
            if (other.counts[i] != null) {
                sum[i] = (sum[i] == null ? 0L : sum[i]) + other.counts[i];
            }
        }
        return new Usage(sum, other.raw.isMissingNode() ? raw : other.raw);
    }

    /** This usage with each count it lacks taken from {@code fallback}. */
    public Usage orElse(Usage fallback) {
        Long[] merged = counts.clone();
        for (int i = 0; i < merged.length; i++) {
            if (merged[i] == null) {
                merged[i] = fallback.counts[i];
            }
        }
        return new Usage(merged, raw.isMissingNode() ? fallback.raw : raw);
    }

    public OptionalLong get(Key key) {
        Long value = counts[key.ordinal()];
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    public OptionalLong inputTokens() {
        return get(Key.INPUT_TOKENS);
    }

    public OptionalLong outputTokens() {
        return get(Key.OUTPUT_TOKENS);
    }

    public OptionalLong totalTokens() {
        return get(Key.TOTAL_TOKENS);
    }

    public OptionalLong reasoningTokens() {
        return get(Key.REASONING_TOKENS);
    }

    public OptionalLong cachedInputTokens() {
        return get(Key.CACHED_INPUT_TOKENS);
    }

    /** The provider's own usage object of the last step that reported one, or a {@link MissingNode}. */
    public JsonNode raw() {
        return raw;
    }

    /** Whether no count is present. */
    public boolean isEmpty() {
        return Arrays.stream(counts).allMatch(Objects::isNull);
    }

    /** Mastra's JSON form: present counts only, then {@code raw} when there is one. */
    public ObjectNode toJson() {
        ObjectNode out = Json.object();
        for (Key key : KEYS) {
            Long value = counts[key.ordinal()];
            if (value != null) {
                if (value == value.intValue()) {
                    out.put(key.jsonName, value.intValue());
                } else {
                    out.put(key.jsonName, value);
                }
            }
        }
        if (!raw.isMissingNode()) {
            out.set("raw", raw.deepCopy());
        }
        return out;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Usage that && Arrays.equals(counts, that.counts) && raw.equals(that.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts) * 31 + raw.hashCode();
    }

    @Override
    public String toString() {
        return "Usage" + Json.write(toJson());
    }
}
