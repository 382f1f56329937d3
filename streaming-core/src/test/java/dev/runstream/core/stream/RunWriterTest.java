package dev.runstream.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.testing.Corpus;
import dev.runstream.core.testing.JsonEquality;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class RunWriterTest {

    private static final String RUN = Corpus.RUN_ID;

    @Test
    void shouldWriteAToolOutputFromTheUserAsMastraDoes() {
        RunStream stream = RunStream.create(RUN);
        stream.toolWriter("call-weather-1", "weatherTool")
                .write(Map.of("type", "custom-event", "status", "pending")).toCompletableFuture().join();
        Chunk written = stream.snapshot().chunkCount() == 1 ? stream.chunks().findFirst().orElseThrow() : null;
        // The corpus line 8 of agent-tool is what Mastra wrote for the same call.
        Chunk mastras = Corpus.chunks("agent-tool", "chunks.ndjson").get(7);
        assertThat(JsonEquality.equal(written.json(), mastras.json())).isTrue();
    }

    @Test
    void shouldWriteAToolsCustomDataChunkVerbatimWithoutARunId() {
        RunStream stream = RunStream.create(RUN);
        stream.toolWriter("c", "t").custom("data-build-log", Map.of("line", "x"), true).toCompletableFuture().join();
        Chunk written = stream.chunks().findFirst().orElseThrow();
        Chunk mastras = Corpus.chunks("agent-tool", "chunks.ndjson").get(9);
        assertThat(JsonEquality.equal(written.json(), mastras.json())).isTrue();
        assertThat(written.runId()).contains(RUN);
        assertThat(written.isTransient()).isTrue();
    }

    @Test
    void shouldWriteAWorkflowStepsOutputAndCustomChunksAsAWorkflowStreamDoes() {
        RunStream stream = RunStream.create(RUN);
        RunWriter writer = stream.stepWriter("count");
        writer.write(Map.of("type", "custom-event", "status", "counting", "total", 6));
        writer.custom("data-wf-progress", Map.of("pct", 50), false);
        List<Chunk> written = stream.chunks().limit(2).toList();
        List<Chunk> mastras = Corpus.chunks("workflow", "chunks.ndjson").subList(4, 6);
        for (int i = 0; i < 2; i++) {
            assertThat(JsonEquality.equal(written.get(i).json(), mastras.get(i).json()))
                    .as("%s vs %s", written.get(i).json(), mastras.get(i).json()).isTrue();
        }
    }

    @Test
    void shouldRefuseACustomChunkThatIsNotData() {
        RunWriter writer = RunStream.create(RUN).toolWriter("c", "t");
        assertThatThrownBy(() -> writer.custom("custom-event", Map.of(), false).toCompletableFuture().join())
                .hasCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("data-");
    }

    @Test
    void shouldCompleteAWriteOnlyWhenTheSinkAcceptedTheChunk() {
        List<CompletableFuture<Long>> pending = new ArrayList<>();
        ChunkSink slowSink = (runId, chunk) -> {
            CompletableFuture<Long> accepted = new CompletableFuture<>();
            pending.add(accepted);
            return accepted;
        };
        CompletionStage<Long> write = RunWriter.forTool(RUN, "c", "t", slowSink).write("progress");
        assertThat(write.toCompletableFuture()).isNotDone();
        pending.getFirst().complete(41L);
        assertThat(write.toCompletableFuture().join()).isEqualTo(41L);
    }
}
