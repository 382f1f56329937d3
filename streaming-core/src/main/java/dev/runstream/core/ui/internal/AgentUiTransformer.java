package dev.runstream.core.ui.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Converts an agent run's stream: {@code toAISdkStream(agentOutput, {from:"agent"})}.
 *
 * <p>State kept across chunks:
 * <ul>
 *   <li><b>The held start.</b> When the stream opens with {@code start} (and starts are sent), it is held with the
 *       {@code data-*} chunks that follow, until another chunk arrives. If that chunk is a {@code step-start} with
 *       a different message id, the start takes that id. A stream that does not open with {@code start} (a resumed
 *       leg) holds nothing. Chunks still held at the end are released then.</li>
 *   <li><b>The tripwire.</b> A stream cut by a {@code tripwire} chunk, with no {@code finish} seen, ends with
 *       {@code {type:"finish", finishReason:"other"}} (when finishes are sent).</li>
 *   <li><b>Nested workflows.</b> Workflow events that a workflow-as-tool writes through {@code tool-output} are
 *       converted as a nested workflow stream, one state per workflow run.</li>
 * </ul>
 * A sub-agent's chunks that reach the stream wrapped in {@code tool-output} are dropped ({@code
 * includeSubAgentMetadata} is not supported), as are those of an agent network.
 */
public final class AgentUiTransformer implements UiTransformer {

    private final ConversionOptions options;
    private final AgentChunkMapper mapper;
    private WorkflowUiTransformer nestedWorkflows;
    private boolean firstSeen;
    private List<ChunkJson> held;
    private boolean tripwireSeen;
    private boolean finishSeen;

    public AgentUiTransformer(ConversionOptions options) {
        this.options = options;
        this.mapper = new AgentChunkMapper(options);
    }

    @Override
    public List<ObjectNode> accept(Chunk chunk) {
        ChunkJson current = ChunkJson.of(chunk);
        List<ObjectNode> out = new ArrayList<>();
        if ("object-result".equals(current.type())) {
            out.add(structuredOutput(current));
        }
        if (!firstSeen) {
            firstSeen = true;
            if ("start".equals(current.type()) && options.sendStart()) {
                held = new ArrayList<>(List.of(current));
                return out;
            }
        } else if (held != null) {
            if (current.isData()) {
                held.add(current);
                return out;
            }
            release(current, out);
        }
        convert(current, out);
        return out;
    }

    @Override
    public List<ObjectNode> end() {
        List<ObjectNode> out = new ArrayList<>();
        if (held != null) {
            release(null, out);
        }
        if (tripwireSeen && !finishSeen && options.sendFinish()) {
            ObjectNode finish = UiChunks.typed("finish");
            finish.put("finishReason", "other");
            out.add(finish);
        }
        return out;
    }

    /** Converts the held chunks; a releasing {@code step-start} may first give the held start its message id. */
    private void release(ChunkJson releasing, List<ObjectNode> out) {
        List<ChunkJson> released = held;
        held = null;
        if (releasing != null && "step-start".equals(releasing.type())) {
            released.set(0, withStepMessageId(released.get(0), releasing));
        }
        released.forEach(chunk -> convert(chunk, out));
    }

    private static ChunkJson withStepMessageId(ChunkJson start, ChunkJson stepStart) {
        JsonNode stepMessageId = stepStart.payload("messageId");
        if (!stepMessageId.isTextual() || stepMessageId.equals(start.payload("messageId"))) {
            return start;
        }
        ObjectNode json = start.json().deepCopy();
        ObjectNode payload = json.path("payload") instanceof ObjectNode existing ? existing : json.putObject("payload");
        payload.put("messageId", stepMessageId.textValue());
        return new ChunkJson(json, start.type(), start.runId());
    }

    private void convert(ChunkJson chunk, List<ObjectNode> out) {
        switch (chunk.type()) {
            case "tripwire" -> tripwireSeen = true;
            case "finish" -> finishSeen = true;
            default -> {
            }
        }
        if ("tool-output".equals(chunk.type())) {
            out.addAll(toolOutput(chunk));
        } else {
            out.addAll(mapper.map(chunk));
        }
    }

    /** {@code {type:"data-structured-output", data:{object}}}, sent before anything else the chunk produces. */
    private static ObjectNode structuredOutput(ChunkJson chunk) {
        ObjectNode data = Json.object();
        UiChunks.putDefined(data, "object", chunk.json().path("object"));
        ObjectNode out = UiChunks.typed("data-structured-output");
        out.set("data", data);
        return out;
    }

    /** What a tool wrote: a workflow-as-tool's events, or a data chunk; anything else is not shown. */
    private List<ObjectNode> toolOutput(ChunkJson chunk) {
        Optional<ChunkJson> leaf = ToolOutputUnwrapper.leaf(chunk.payload("output"));
        if (leaf.isEmpty()) {
            return List.of();
        }
        String from = leaf.get().from().textValue();
        if ("AGENT".equals(from) || "NETWORK".equals(from)) {
            return List.of();
        }
        if ("WORKFLOW".equals(from)) {
            if (nestedWorkflows == null) {
                nestedWorkflows = WorkflowUiTransformer.nested(options);
            }
            return nestedWorkflows.accept(leaf.get());
        }
        return leaf.get().isData() ? List.of(UiChunks.dataOrError(leaf.get())) : List.of();
    }
}
