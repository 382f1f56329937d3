package dev.runstream.bridge.cli;

import dev.runstream.bridge.subscribe.RunSubscriber;
import dev.runstream.bridge.subscribe.RunSubscription;
import dev.runstream.bridge.subscribe.StartPosition;
import dev.runstream.core.RunIds;
import dev.runstream.core.chunk.MastraChunkCodec;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tail}: prints a run's chunks live as NDJSON and exits after the run's terminal chunk. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Follow a run live (NDJSON); exits after its terminal chunk.")
final class TailCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Option(names = "--from", paramLabel = "SEQ", description = "Start at this sequence number (0: the beginning).")
    private Long from;

    @Parameters(index = "0", paramLabel = "RUN_ID")
    private String runId;

    @Override
    public Integer call() {
        RunIds.requireValid(runId);
        PrintWriter out = spec.commandLine().getOut();
        StartPosition start = from == null ? StartPosition.LIVE : StartPosition.fromSequence(from);
        try (KafkaClients clients = KafkaClients.connect(connection);
             RunSubscriber subscriber = new RunSubscriber(clients.config(), clients.registry());
             RunSubscription subscription = subscriber.subscribe(runId, start)) {
            subscription.stream().chunks().forEach(chunk -> {
                out.println(MastraChunkCodec.encode(chunk));
                out.flush();
            });
            return 0;
        }
    }
}
