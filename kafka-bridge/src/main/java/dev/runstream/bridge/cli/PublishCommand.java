package dev.runstream.bridge.cli;

import dev.runstream.bridge.publish.KafkaRunPublisher;
import dev.runstream.core.RunIds;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code publish}: writes a Mastra NDJSON chunk stream into a run's topic, one chunk at a time, in order. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a Mastra chunk stream (NDJSON) to a run's topic.")
final class PublishCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Option(names = "--run-id", required = true, paramLabel = "ID", description = "The run the chunks belong to.")
    private String runId;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "NDJSON file, or - for stdin.")
    private String file;

    @Override
    public Integer call() throws Exception {
        RunIds.requireValid(runId);
        PrintWriter err = spec.commandLine().getErr();
        ChunkInput input = new ChunkInput(file, runId, err);
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        int[] foreign = {0};
        try (KafkaClients clients = KafkaClients.connect(connection);
             KafkaRunPublisher publisher = new KafkaRunPublisher(clients.config(), clients.registry())) {
            input.forEach(System.in, (chunk, line) -> {
                if (!chunk.runId().orElseThrow().equals(runId)) {
                    err.println("line " + line + ": chunk of run '" + chunk.runId().orElseThrow()
                            + "' is not of run '" + runId + "'; not published");
                    foreign[0]++;
                    return;
                }
                acks.add(publisher.accept(runId, chunk).toCompletableFuture());
            });
            long last = -1;
            int failed = 0;
            for (CompletableFuture<Long> ack : acks) {
                try {
                    last = ack.join();
                } catch (CompletionException e) {
                    failed++;
                    err.println(e.getCause().getMessage());
                }
            }
            spec.commandLine().getOut().printf("published %d chunks of run %s (last sequence %d)%n",
                    acks.size() - failed, runId, last);
            return input.badLines() == 0 && foreign[0] == 0 && failed == 0 ? 0 : 1;
        }
    }
}
