package dev.runstream.bridge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.bridge.control.CancelOutcome;
import dev.runstream.bridge.control.RunCanceller;
import dev.runstream.bridge.control.RunControl;
import dev.runstream.bridge.subscribe.RunSummaryReader;
import dev.runstream.core.RunIds;
import dev.runstream.core.fold.RunSummaryJson;
import dev.runstream.core.json.Json;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cancel}: asks for a run to be canceled, as {@code POST /v1/runs/{runId}/cancel} does. The run's writer is
 * told; a running {@code serve} ends the run after {@code run.cancel.grace.ms} if its writer does not.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Ask for a run to be canceled (JSON outcome). Its writer is told; a running serve ends the run "
                + "after run.cancel.grace.ms if the writer does not.")
final class CancelCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "RUN_ID")
    private String runId;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded in the run's summary.")
    private String reason = "";

    @Override
    public Integer call() throws InterruptedException {
        RunIds.requireValid(runId);
        if (reason.length() > 1000) {
            spec.commandLine().getErr().println("cancel: run '" + runId + "': --reason is " + reason.length()
                    + " characters, at most 1000");
            return 2;
        }
        try (KafkaClients clients = KafkaClients.connect(connection);
                RunControl control = new RunControl(clients.config(), Clock.systemUTC())) {
            RunSummaryReader summaries = new RunSummaryReader(clients.config(), clients.registry());
            CancelOutcome outcome = new RunCanceller(control, summaries::summary, RunCanceller.UNKNOWN_RUN_WAIT)
                    .cancel(runId, "cli " + System.getProperty("user.name", "unknown"), reason);
            ObjectNode out = Json.object();
            out.put("runId", runId);
            switch (outcome) {
                case CancelOutcome.Requested requested -> out.put("outcome", "requested")
                        .set("cancel", RunSummaryJson.cancelJson(requested.request()));
                case CancelOutcome.AlreadyRequested earlier -> out.put("outcome", "already_requested")
                        .set("cancel", RunSummaryJson.cancelJson(earlier.request()));
                case CancelOutcome.AlreadyEnded ended -> out.put("outcome", "already_ended")
                        .put("status", ended.summary().status().jsonName());
                case CancelOutcome.UnknownRun unknown -> {
                    spec.commandLine().getErr().println("cancel: run '" + runId + "' has no summary: no chunk of "
                            + "it has been aggregated (or it was deleted); nothing to cancel");
                    return 1;
                }
            }
            spec.commandLine().getOut().println(Json.write(out));
            return 0;
        }
    }
}
