package dev.runstream.benchmarks.load;

import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.stream.RunTermination;
import dev.runstream.core.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmarks' chunks: every chunk of the Mastra 1.71 corpus (each scenario's {@code chunks.ndjson} and
 * {@code resumed.ndjson}), in corpus order, so their sizes and types are the corpus's mix. Chunks that end a run's
 * stream ({@code finish}, {@code tool-call-approval}, …) are left out of the mix: a benchmark that writes a run
 * for longer than the corpus cycles through the mix, and only its last chunk may end the run ({@link #finishFor}).
 * Every chunk is re-made for its run: the corpus run id is replaced everywhere in its JSON, as
 * {@link Corpus#chunksAs} does.
 */
public final class ChunkMix {

    private static final String TEXT_DELTA_SCENARIO = "agent-text";

    private final List<String> lines;
    private final List<String> corpus;
    private final String finish;
    private final String start;
    private final String textDelta;

    private ChunkMix(List<String> lines, List<String> corpus, String finish, String start, String textDelta) {
        this.lines = List.copyOf(lines);
        this.corpus = List.copyOf(corpus);
        this.finish = finish;
        this.start = start;
        this.textDelta = textDelta;
    }

    /** The corpus's mix. */
    public static ChunkMix corpus() {
        List<String> lines = new ArrayList<>();
        List<String> corpus = new ArrayList<>();
        for (String scenario : Corpus.SCENARIOS) {
            for (String file : List.of("chunks.ndjson", "resumed.ndjson")) {
                if (!Corpus.exists(scenario, file)) {
                    continue;
                }
                for (String line : Corpus.lines(scenario, file)) {
                    corpus.add(line);
                    if (!RunTermination.endsStream(MastraChunkCodec.decode(line))) {
                        lines.add(line);
                    }
                }
            }
        }
        List<String> agentText = Corpus.lines(TEXT_DELTA_SCENARIO, "chunks.ndjson");
        return new ChunkMix(lines, corpus, first(agentText, "finish"), first(agentText, "start"),
                first(agentText, "text-delta"));
    }

    private static String first(List<String> lines, String type) {
        return lines.stream().filter(line -> MastraChunkCodec.decode(line).type().equals(type)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the corpus has no '" + type + "' chunk"));
    }

    /** The run id of the {@code index}-th benchmark run: as long as the corpus's (36 characters), so sizes match. */
    public static String runId(int index) {
        return String.format(Locale.ROOT, "00000000-0000-4000-8000-%012d", index);
    }

    /** How many chunks the mix has. */
    public int size() {
        return lines.size();
    }

    /** The mix, in corpus order, as chunks of {@code runId}. */
    public List<Chunk> chunksFor(String runId) {
        List<Chunk> chunks = new ArrayList<>(lines.size());
        for (String line : lines) {
            chunks.add(chunk(line, runId));
        }
        return chunks;
    }

    /** Every chunk of the corpus, terminal ones included, as chunks of {@code runId} (the codec benchmark's input). */
    public List<Chunk> corpusFor(String runId) {
        List<Chunk> chunks = new ArrayList<>(corpus.size());
        for (String line : corpus) {
            chunks.add(chunk(line, runId));
        }
        return chunks;
    }

    /** An agent's {@code finish} chunk of {@code runId}: it ends the run's stream. */
    public Chunk finishFor(String runId) {
        return chunk(finish, runId);
    }

    /** An agent's {@code start} chunk of {@code runId}: a run's usual first chunk. */
    public Chunk startFor(String runId) {
        return chunk(start, runId);
    }

    /** A {@code text-delta} chunk of {@code runId}: one token of a streaming model. */
    public Chunk textDeltaFor(String runId) {
        return chunk(textDelta, runId);
    }

    /** The mean size of the mix's chunks in Mastra's JSON, in bytes. */
    public double meanJsonBytes() {
        return lines.stream().mapToInt(line -> line.getBytes(StandardCharsets.UTF_8).length).average().orElse(0);
    }

    private static Chunk chunk(String line, String runId) {
        return MastraChunkCodec.decode(line.replace(Corpus.RUN_ID, runId)).attributedTo(runId);
    }
}
