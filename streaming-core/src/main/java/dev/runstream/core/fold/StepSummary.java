package dev.runstream.core.fold;

import dev.runstream.core.chunk.Usage;
import java.util.Objects;

/**
 * One step of a run. For an agent, one LLM call: {@code name} is its 1-based number, {@code status} its finish reason,
 * {@code usage} that call's usage. For a workflow, one step: {@code name} is the step id, {@code status} the step's
 * status, {@code usage} what nested agents of that step reported.
 */
public record StepSummary(String name, String status, Usage usage) {

    public StepSummary {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(usage, "usage");
    }
}
