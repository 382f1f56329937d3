package dev.runstream.bridge.cli;

import dev.runstream.bridge.subscribe.RunSubscriber;
import dev.runstream.core.RunIds;
import dev.runstream.core.chunk.MastraChunkCodec;
import dev.runstream.core.chunk.StoredChunk;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code replay}: prints a run's persisted chunks (transient ones left out) as NDJSON. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Print a run's persisted chunks (NDJSON), transient chunks left out.")
final class ReplayCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Option(names = "--include-transient", description = "Also print transient chunks.")
    private boolean includeTransient;

    @Parameters(index = "0", paramLabel = "RUN_ID")
    private String runId;

    @Override
    public Integer call() {
        RunIds.requireValid(runId);
        PrintWriter out = spec.commandLine().getOut();
        try (KafkaClients clients = KafkaClients.connect(connection);
             RunSubscriber subscriber = new RunSubscriber(clients.config(), clients.registry())) {
            List<StoredChunk> chunks = subscriber.replay(runId, includeTransient);
            if (chunks.isEmpty()) {
                spec.commandLine().getErr().println("replay: run '" + runId + "' has no chunks");
                return 1;
            }
            chunks.forEach(chunk -> out.println(MastraChunkCodec.encode(chunk.chunk())));
            out.flush();
            return 0;
        }
    }
}
