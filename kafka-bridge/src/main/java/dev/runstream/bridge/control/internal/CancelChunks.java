package dev.runstream.bridge.control.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.Usage;
import dev.runstream.core.fold.CancelRequest;
import dev.runstream.core.fold.RunKind;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.json.Json;
import java.util.List;

/**
 * The chunks that end a canceled run for a writer that is gone, shaped as Mastra ends an aborted run: an agent's
 * {@code abort} then {@code finish} (reason {@code tripwire}, as {@code @mastra/core} 1.71 writes it after an
 * {@code abortSignal}; the run's text and usage so far), a workflow's
 * {@code workflow-canceled} then {@code workflow-finish} (status {@code canceled}). The first chunk's payload also
 * says, under {@code runstream}, which request ended the run and that Runstream wrote it.
 */
public final class CancelChunks {

    private CancelChunks() {
    }

    public static List<Chunk> ending(RunSummary summary, CancelRequest request) {
        ObjectNode note = Json.object();
        note.put("endedBy", "runstream");
        note.put("cancelId", request.cancelId());
        note.put("requestedBy", request.requestedBy());
        note.put("requestedAt", request.requestedAt().toString());
        note.put("reason", request.reason());
        String runId = summary.runId();
        if (summary.kind() == RunKind.WORKFLOW) {
            ObjectNode canceled = chunk("workflow-canceled", runId, "WORKFLOW");
            canceled.putObject("payload").set("runstream", note);
            ObjectNode finish = chunk("workflow-finish", runId, "WORKFLOW");
            ObjectNode payload = finish.putObject("payload");
            payload.put("workflowStatus", "canceled");
            payload.putObject("output").set("usage", workflowUsage(summary.usage()));
            payload.putObject("metadata");
            return List.of(Chunk.of(canceled), Chunk.of(finish));
        }
        ObjectNode abort = chunk("abort", runId, "AGENT");
        abort.putObject("payload").set("runstream", note);
        ObjectNode finish = chunk("finish", runId, "AGENT");
        ObjectNode payload = finish.putObject("payload");
        payload.putObject("stepResult").put("reason", "tripwire").put("isContinued", false);
        ObjectNode output = payload.putObject("output");
        output.put("text", summary.text());
        output.putArray("toolCalls");
        output.set("usage", summary.usage().toJson());
        payload.putObject("metadata");
        ObjectNode messages = payload.putObject("messages");
        messages.putArray("all");
        messages.putArray("user");
        messages.putArray("nonUser");
        return List.of(Chunk.of(abort), Chunk.of(finish));
    }

    private static ObjectNode chunk(String type, String runId, String from) {
        ObjectNode chunk = Json.object();
        chunk.put("type", type);
        chunk.put("runId", runId);
        chunk.put("from", from);
        return chunk;
    }

    /** A workflow-finish's usage: all six counts, 0 where the run has none (as Mastra writes it). */
    private static ObjectNode workflowUsage(Usage usage) {
        ObjectNode json = Json.object();
        ObjectNode known = usage.toJson();
        for (String key : List.of("inputTokens", "outputTokens", "totalTokens", "reasoningTokens",
                "cachedInputTokens", "cacheCreationInputTokens")) {
            json.put(key, known.path(key).asLong(0));
        }
        return json;
    }
}
