package dev.runstream.core.stream;

import dev.runstream.core.chunk.Chunk;

/**
 * Which chunks end a run's stream (or the current leg of it). Mastra closes an agent stream after {@code finish}, after
 * a {@code tripwire}, and after a suspension ({@code tool-call-approval}, {@code tool-call-suspended}); a workflow
 * stream after {@code workflow-finish}. An {@code error} chunk is not here: Mastra usually follows a model error with
 * {@code step-finish} and {@code finish}, so the stream's source decides when an errored run has ended.
 */
public final class RunTermination {

    private RunTermination() {
    }

    public static boolean endsStream(Chunk chunk) {
        return switch (chunk.type()) {
            case "finish", "tripwire", "tool-call-approval", "tool-call-suspended", "workflow-finish" -> true;
            default -> false;
        };
    }
}
