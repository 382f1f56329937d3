package dev.runstream.bridge.cli;

import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.fold.RunFold;
import dev.runstream.core.fold.RunSummaryJson;
import dev.runstream.core.json.Json;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code summarize}: folds a Mastra chunk stream and prints one JSON run summary per run, one per line. */
@Command(name = "summarize", mixinStandardHelpOptions = true,
        description = "Read a Mastra chunk stream (NDJSON) and print one JSON run summary per run.")
final class SummarizeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--run-id", paramLabel = "ID", description = "The run of chunks that carry no runId.")
    private String runId;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "NDJSON file, or - for stdin.")
    private String file;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ChunkInput input = new ChunkInput(file, runId, err);
        Map<String, RunFold.Accumulator> runs = new LinkedHashMap<>();
        Map<String, Long> sequences = new LinkedHashMap<>();
        Clock clock = Clock.systemUTC();
        input.forEach(System.in, (chunk, line) -> {
            String run = chunk.runId().orElseThrow();
            long sequence = sequences.merge(run, 1L, Long::sum) - 1;
            runs.computeIfAbsent(run, RunFold::accumulator)
                    .accept(new StoredChunk(run, sequence, clock.instant(), chunk));
        });
        for (RunFold.Accumulator run : runs.values()) {
            out.println(Json.write(RunSummaryJson.toJson(run.summary())));
        }
        out.flush();
        return input.badLines() == 0 ? 0 : 1;
    }
}
