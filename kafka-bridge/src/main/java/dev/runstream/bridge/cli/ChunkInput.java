package dev.runstream.bridge.cli;

import dev.runstream.core.ChunkDecodeException;
import dev.runstream.core.RunIds;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.NdjsonChunkReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * Reads a Mastra NDJSON chunk stream from a file or standard input for a CLI command, one chunk at a time. A chunk
 * that carries no run id belongs to {@code --run-id} when given, else to the run of the chunk before it. Bad lines
 * are reported on the error writer with their line number and skipped; the command goes on with the others.
 */
final class ChunkInput {

    private final String file;
    private final String defaultRunId;
    private final PrintWriter err;
    private int badLines;

    ChunkInput(String file, String defaultRunId, PrintWriter err) {
        this.file = file;
        this.defaultRunId = defaultRunId == null ? null : RunIds.requireValid(defaultRunId);
        this.err = err;
    }

    /** Calls {@code consumer} with each good chunk and its 1-based line number. */
    void forEach(InputStream stdin, BiConsumer<Chunk, Long> consumer) throws IOException {
        try (InputStream in = file == null || file.equals("-") ? stdin : Files.newInputStream(Path.of(file))) {
            NdjsonChunkReader reader = new NdjsonChunkReader(in);
            String lastRunId = defaultRunId;
            while (reader.hasNext()) {
                NdjsonChunkReader.Line line = reader.next();
                if (line.error().isPresent()) {
                    bad(line.number(), line.error().get().getMessage());
                    continue;
                }
                Chunk chunk = line.chunk().orElseThrow();
                String runId = chunk.carriesRunId() ? chunk.runId().orElseThrow() : defaultRunId != null
                        ? defaultRunId : lastRunId;
                if (runId == null) {
                    bad(line.number(), "chunk '" + chunk.type() + "' carries no runId and no --run-id was given");
                    continue;
                }
                if (!RunIds.isValid(runId)) {
                    bad(line.number(), new ChunkDecodeException(null, "runId", "not a valid run id: "
                            + tryValidate(runId)).getMessage());
                    continue;
                }
                lastRunId = runId;
                consumer.accept(chunk.attributedTo(runId), line.number());
            }
        }
    }

    private static String tryValidate(String runId) {
        try {
            RunIds.requireValid(runId);
            return runId;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private void bad(long lineNumber, String reason) {
        badLines++;
        err.println("line " + lineNumber + ": " + reason);
        err.flush();
    }

    /** How many lines were reported and skipped. */
    int badLines() {
        return badLines;
    }
}
