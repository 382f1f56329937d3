package dev.runstream.bridge.cli;

import dev.runstream.bridge.subscribe.RunSummaryReader;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.fold.RunSummaryJson;
import dev.runstream.core.json.Json;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code runs}: prints every run's summary, one JSON object per line, newest first. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Print every run's summary (NDJSON).")
final class RunsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public Integer call() {
        try (KafkaClients clients = KafkaClients.connect(connection)) {
            new RunSummaryReader(clients.config(), clients.registry()).summaries().stream()
                    .sorted(Comparator.comparing((RunSummary s) -> s.lastChunkAt().orElse(java.time.Instant.EPOCH))
                            .reversed())
                    .forEach(summary -> spec.commandLine().getOut().println(Json.write(RunSummaryJson.toJson(summary))));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
