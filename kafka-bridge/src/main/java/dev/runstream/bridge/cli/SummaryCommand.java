package dev.runstream.bridge.cli;

import dev.runstream.bridge.subscribe.RunSummaryReader;
import dev.runstream.core.RunIds;
import dev.runstream.core.fold.RunSummary;
import dev.runstream.core.fold.RunSummaryJson;
import dev.runstream.core.json.Json;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code summary}: prints a run's summary as the aggregator last wrote it (same keys as {@code summarize}). */
@Command(name = "summary", mixinStandardHelpOptions = true, description = "Print a run's summary (JSON).")
final class SummaryCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "RUN_ID")
    private String runId;

    @Override
    public Integer call() {
        RunIds.requireValid(runId);
        try (KafkaClients clients = KafkaClients.connect(connection)) {
            Optional<RunSummary> summary = new RunSummaryReader(clients.config(), clients.registry()).summary(runId);
            if (summary.isEmpty()) {
                spec.commandLine().getErr().println("summary: run '" + runId + "' has no summary (yet)");
                return 1;
            }
            spec.commandLine().getOut().println(Json.write(RunSummaryJson.toJson(summary.get())));
            return 0;
        }
    }
}
