package dev.runstream.core.ui.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.chunk.Chunk;
import java.util.List;

/** The conversion of one run's stream: an agent's or a workflow's. Stateful, not thread-safe. */
public interface UiTransformer {

    /** The UI chunks this chunk produces now; with held chunks, possibly earlier ones too. */
    List<ObjectNode> accept(Chunk chunk);

    /** The UI chunks the end of the stream produces. */
    List<ObjectNode> end();
}
