package dev.runstream.core.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.ui.internal.AgentUiTransformer;
import dev.runstream.core.ui.internal.ConversionOptions;
import dev.runstream.core.ui.internal.UiTransformer;
import dev.runstream.core.ui.internal.WorkflowUiTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns one run's Mastra chunk stream into the AI SDK UI message stream (v5 by default), chunk for chunk as
 * {@code @mastra/ai-sdk} 1.10.4's {@code toAISdkStream} does: for an agent run (start held until the first step,
 * tool chunks, approvals, tripwires, tool-output unwrapping, workflows used as tools) or a workflow run
 * ({@code data-workflow} snapshots framed by {@code start} and {@code finish}).
 *
 * <p>One converter per run stream (a resumed leg is a new stream and needs a new converter). Stateful and not
 * thread-safe. Each returned UI chunk is a new JSON object that the caller owns; the chunks passed in are not
 * modified.
 *
 * <p>Bad input never throws; it is converted as the JavaScript original reads it, with one deliberate deviation:
 * a {@code data-*} chunk without a {@code data} field makes {@code toAISdkStream} error and end the whole UI stream.
 * Here that chunk is dropped and an {@code {type:"error", errorText}} UI chunk naming its type takes its place;
 * the stream goes on.
 *
 * <p>Not supported: {@code includeSubAgentMetadata} (sub-agent chunks inside {@code tool-output} are dropped, as
 * by default), agent networks ({@code data-tool-network}), {@code messageMetadata}, custom {@code onError} and
 * {@code experimentalTransform}.
 */
public final class UiMessageStreamConverter {

    private final UiStreamOptions options;
    private UiTransformer transformer;
    private boolean ended;

    public UiMessageStreamConverter(UiStreamOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Every UI chunk of a whole stream: each chunk accepted in order, then the end. */
    public static List<ObjectNode> convertAll(List<Chunk> chunks, UiStreamOptions options) {
        Objects.requireNonNull(chunks, "chunks");
        UiMessageStreamConverter converter = new UiMessageStreamConverter(options);
        List<ObjectNode> out = new ArrayList<>();
        for (Chunk chunk : chunks) {
            out.addAll(converter.accept(chunk));
        }
        out.addAll(converter.end());
        return List.copyOf(out);
    }

    /**
     * The UI chunks this chunk produces, possibly none. While a held {@code start} is pending, a later call also
     * returns the chunks held until then, before its own.
     *
     * @throws IllegalStateException after {@link #end()}
     */
    public List<ObjectNode> accept(Chunk chunk) {
        Objects.requireNonNull(chunk, "chunk");
        if (ended) {
            throw new IllegalStateException("the UI stream has ended; a converter converts one stream");
        }
        if (transformer == null) {
            transformer = transformerFor(chunk.type());
        }
        return List.copyOf(transformer.accept(chunk));
    }

    /**
     * The UI chunks the end of the stream produces: chunks still held, the {@code finish} of a stream cut by a
     * tripwire, the workflow stream's closing {@code finish}. Calling it again returns nothing.
     */
    public List<ObjectNode> end() {
        if (ended) {
            return List.of();
        }
        ended = true;
        if (transformer == null) {
            transformer = transformerFor("");
        }
        return List.copyOf(transformer.end());
    }

    private UiTransformer transformerFor(String firstType) {
        boolean workflow = switch (options.source()) {
            case AGENT -> false;
            case WORKFLOW -> true;
            case AUTO -> firstType.startsWith("workflow-");
        };
        ConversionOptions conversion = ConversionOptions.of(options);
        return workflow
                ? WorkflowUiTransformer.topLevel(conversion, options.includeTextStreamParts())
                : new AgentUiTransformer(conversion);
    }
}
