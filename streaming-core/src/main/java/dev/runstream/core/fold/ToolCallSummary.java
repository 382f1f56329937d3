package dev.runstream.core.fold;

import java.util.Locale;
import java.util.Objects;

/** One tool call of a run and how it ended so far. */
public record ToolCallSummary(String toolCallId, String toolName, Outcome outcome) {

    /** How a tool call ended: still {@code PENDING} until a result, error, denial or suspension arrives. */
    public enum Outcome {
        PENDING, SUCCESS, ERROR, AWAITING_APPROVAL, DENIED, SUSPENDED;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Outcome parse(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    public ToolCallSummary {
        Objects.requireNonNull(toolCallId, "toolCallId");
        Objects.requireNonNull(toolName, "toolName");
        Objects.requireNonNull(outcome, "outcome");
    }

    ToolCallSummary withOutcome(Outcome newOutcome) {
        return new ToolCallSummary(toolCallId, toolName, newOutcome);
    }
}
