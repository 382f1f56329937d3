package dev.runstream.bridge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.json.Json;
import dev.runstream.core.ui.UiMessageStreamConverter;
import dev.runstream.core.ui.UiStreamOptions;
import dev.runstream.core.ui.UiStreamVersion;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ui-stream}: converts a Mastra chunk stream to the AI SDK UI message stream, printed as NDJSON. */
@Command(name = "ui-stream", mixinStandardHelpOptions = true,
        description = "Read a Mastra chunk stream (NDJSON) and print its AI SDK UI message chunks (NDJSON).")
final class UiStreamCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--run-id", paramLabel = "ID", description = "The run of chunks that carry no runId.")
    private String runId;

    @Option(names = "--send-reasoning", description = "Include reasoning chunks.")
    private boolean sendReasoning;

    @Option(names = "--send-sources", description = "Include source chunks.")
    private boolean sendSources;

    @Option(names = "--ui-version", paramLabel = "v5|v6|v7", defaultValue = "v5",
            description = "UI message stream version (default: ${DEFAULT-VALUE}).")
    private String uiVersion;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "NDJSON file, or - for stdin.")
    private String file;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        UiStreamOptions options = UiStreamOptions.builder()
                .sendReasoning(sendReasoning)
                .sendSources(sendSources)
                .version(version())
                .build();
        ChunkInput input = new ChunkInput(file, runId, err);
        Map<String, UiMessageStreamConverter> converters = new LinkedHashMap<>();
        input.forEach(System.in, (chunk, line) -> print(out, converters
                .computeIfAbsent(chunk.runId().orElseThrow(), run -> new UiMessageStreamConverter(options))
                .accept(chunk)));
        converters.values().forEach(converter -> print(out, converter.end()));
        out.flush();
        return input.badLines() == 0 ? 0 : 1;
    }

    private UiStreamVersion version() {
        return switch (uiVersion.toLowerCase(java.util.Locale.ROOT)) {
            case "v5" -> UiStreamVersion.V5;
            case "v6" -> UiStreamVersion.V6;
            case "v7" -> UiStreamVersion.V7;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--ui-version must be v5, v6 or v7, was '" + uiVersion + "'");
        };
    }

    private static void print(PrintWriter out, List<ObjectNode> chunks) {
        for (ObjectNode chunk : chunks) {
            out.println(Json.write(chunk));
        }
    }
}
