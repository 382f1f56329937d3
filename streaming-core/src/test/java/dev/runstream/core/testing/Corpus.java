package dev.runstream.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.NdjsonChunkReader;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Mastra 1.71 corpus in the test resources ({@code corpus/mastra-1.71}): real chunk streams and what Mastra made
 * of them. Shared with kafka-bridge's tests through the test jar.
 */
public final class Corpus {

    public static final String ROOT = "corpus/mastra-1.71/";

    /** Every scenario folder. */
    public static final List<String> SCENARIOS = List.of("agent-text", "agent-tool", "agent-error", "agent-reasoning",
            "agent-approval", "workflow", "workflow-agent", "workflow-suspend");

    /** The scenarios with a resumed leg ({@code resumed.ndjson}). */
    public static final List<String> RESUMED_SCENARIOS = List.of("agent-approval", "workflow-suspend");

    /** The run id of every corpus run. */
    public static final String RUN_ID = "00000000-0000-4000-8000-000000000001";

    private Corpus() {
    }

    public static boolean exists(String scenario, String file) {
        return Corpus.class.getClassLoader().getResource(ROOT + scenario + "/" + file) != null;
    }

    public static String text(String scenario, String file) {
        try (InputStream in = open(scenario, file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(String scenario, String file) {
        return text(scenario, file).getBytes(StandardCharsets.UTF_8);
    }

    public static InputStream open(String scenario, String file) {
        InputStream in = Corpus.class.getClassLoader().getResourceAsStream(ROOT + scenario + "/" + file);
        if (in == null) {
            throw new IllegalArgumentException("no corpus file " + scenario + "/" + file);
        }
        return in;
    }

    /** The non-empty lines of an NDJSON file, split on {@code \n} only. */
    public static List<String> lines(String scenario, String file) {
        List<String> lines = new ArrayList<>();
        for (String line : text(scenario, file).split("\n", -1)) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    public static List<JsonNode> jsonLines(String scenario, String file) {
        return lines(scenario, file).stream().map(Corpus::parse).toList();
    }

    /** The chunks of a file, attributed to the corpus run. */
    public static List<Chunk> chunks(String scenario, String file) {
        List<Chunk> chunks = new ArrayList<>();
        NdjsonChunkReader reader = new NdjsonChunkReader(open(scenario, file));
        reader.forEachRemaining(line -> chunks.add(line.chunkOrThrow().attributedTo(RUN_ID)));
        return chunks;
    }

    /** The chunks of a file as if their run were {@code runId} (the corpus run id replaced everywhere). */
    public static List<Chunk> chunksAs(String scenario, String file, String runId) {
        List<Chunk> chunks = new ArrayList<>();
        byte[] text = text(scenario, file).replace(RUN_ID, runId).getBytes(StandardCharsets.UTF_8);
        NdjsonChunkReader reader = new NdjsonChunkReader(new java.io.ByteArrayInputStream(text));
        reader.forEachRemaining(line -> chunks.add(line.chunkOrThrow().attributedTo(runId)));
        return chunks;
    }

    /** Chunks numbered from {@code firstSequence}, with made-up timestamps one millisecond apart. */
    public static List<StoredChunk> stored(List<Chunk> chunks, long firstSequence) {
        List<StoredChunk> out = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            long sequence = firstSequence + i;
            out.add(new StoredChunk(RUN_ID, sequence, Instant.ofEpochMilli(1_800_000_000_000L + sequence),
                    chunks.get(i)));
        }
        return out;
    }

    public static JsonNode expected(String scenario) {
        return parse(text(scenario, "expected.json"));
    }

    public static Optional<JsonNode> resumedExpected(String scenario) {
        return exists(scenario, "resumed-expected.json")
                ? Optional.of(parse(text(scenario, "resumed-expected.json"))) : Optional.empty();
    }

    public static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
