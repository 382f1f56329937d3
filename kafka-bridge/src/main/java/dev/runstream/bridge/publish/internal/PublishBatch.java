package dev.runstream.bridge.publish.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The chunks the sender thread took from the queue in one go, in writers' order. */
public final class PublishBatch {

    private final List<PendingChunk> chunks = new ArrayList<>();

    public PublishBatch(PendingChunk first) {
        chunks.add(first);
    }

    public List<PendingChunk> chunks() {
        return chunks;
    }

    /** The runs of this batch, in order of first appearance. */
    public Set<String> runIds() {
        Set<String> runs = new LinkedHashSet<>();
        chunks.forEach(chunk -> runs.add(chunk.runId()));
        return runs;
    }

    public void failRun(String runId, RuntimeException error) {
        chunks.stream().filter(chunk -> chunk.runId().equals(runId))
                .forEach(chunk -> chunk.result().completeExceptionally(error));
    }

    public void failAll(RuntimeException error) {
        chunks.forEach(chunk -> chunk.result().completeExceptionally(error));
    }
}
