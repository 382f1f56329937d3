package dev.runstream.bridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.config.RunstreamConfig;
import dev.runstream.bridge.http.BridgeConfig;
import dev.runstream.bridge.node.RunstreamNode;
import dev.runstream.core.Deadline;
import dev.runstream.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: an embedded broker and a Runstream instance in a temporary directory, and the Mastra corpus runs
 * played concurrently through the HTTP ingest at a token pace, each watched over SSE, with a live view of runs,
 * chunks per second and statuses, and the summaries at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Play the Mastra corpus runs concurrently through the HTTP bridge, with a live view.")
final class DemoCommand implements Callable<Integer> {

    static final List<String> SCENARIOS = List.of("agent-text", "agent-tool", "agent-error", "agent-reasoning",
            "agent-approval", "workflow", "workflow-agent", "workflow-suspend");

    @Spec
    private CommandSpec spec;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "16",
            description = "Runs to play (the corpus scenarios in turn). Default: ${DEFAULT-VALUE}")
    private int runs;

    @Option(names = "--chunk-interval-ms", paramLabel = "MS", defaultValue = "80",
            description = "Mean pause between a run's chunks, like a model's tokens. Default: ${DEFAULT-VALUE}")
    private long chunkIntervalMs;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
            description = "HTTP port of the bridge (0: any free port). Default: ${DEFAULT-VALUE}")
    private int port;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** One played run: what was sent and what its SSE reader saw. */
    record DemoRun(String runId, String scenario, List<String> chunks, AtomicInteger sent, AtomicInteger seen) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (runs < 1 || chunkIntervalMs < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--runs must be >= 1 and --chunk-interval-ms >= 0");
        }
        Path dir = Files.createTempDirectory("runstream-demo-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start();
             RunstreamNode node = RunstreamNode.start(settings(broker, dir), "127.0.0.1", port)) {
            out.printf("Runstream demo: broker %s, HTTP http://127.0.0.1:%d%n", broker.bootstrapServers(),
                    node.bridge().port());
            out.flush();
            awaitHealthy(node);
            List<DemoRun> plan = plan();
            List<Thread> players = new ArrayList<>();
            for (DemoRun run : plan) {
                players.add(Thread.ofVirtual().start(() -> watch(node, run)));
                players.add(Thread.ofVirtual().start(() -> play(node, run)));
            }
            DemoView view = new DemoView(out, System.console() != null);
            long started = System.nanoTime();
            while (players.stream().anyMatch(Thread::isAlive)) {
                view.frame(plan, statuses(node), started);
                Thread.sleep(500);
            }
            view.frame(plan, awaitSettled(node, plan), started);
            view.summaries(plan, runsById(node));
            return plan.stream().allMatch(run -> run.seen().get() >= persistedCount(run)) ? 0 : 1;
        } finally {
            deleteRecursively(dir);
        }
    }

    private static Map<String, Object> settings(EmbeddedKafkaBroker broker, Path dir) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(RunstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        settings.put(RunstreamConfig.PREFIX_CONFIG, "demo");
        settings.put(BridgeConfig.ADVERTISED_HOST_CONFIG, "127.0.0.1");
        settings.put("kafka.streams.state.dir", dir.resolve("streams").toString());
        return settings;
    }

    private List<DemoRun> plan() throws IOException {
        List<DemoRun> plan = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            String scenario = SCENARIOS.get(i % SCENARIOS.size());
            String runId = String.format("demo-%02d-%s", i + 1, scenario);
            List<String> chunks = new ArrayList<>();
            try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/mastra-1.71/" + scenario
                    + "/chunks.ndjson")) {
                if (in == null) {
                    throw new IOException("the demo corpus is missing from the jar: " + scenario);
                }
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        chunks.add(line.replace("00000000-0000-4000-8000-000000000001", runId));
                    }
                }
            }
            plan.add(new DemoRun(runId, scenario, chunks, new AtomicInteger(), new AtomicInteger()));
        }
        return plan;
    }

    /** Streams the run's chunks as one NDJSON request body, one chunk per pause, as a Mastra server would. */
    private void play(RunstreamNode node, DemoRun run) {
        try {
            java.io.PipedInputStream body = new java.io.PipedInputStream(64 * 1024);
            java.io.PipedOutputStream pipe = new java.io.PipedOutputStream(body);
            var reply = http.sendAsync(HttpRequest.newBuilder(node.localUri("/v1/runs/" + run.runId() + "/chunks"))
                    .header("Content-Type", "application/x-ndjson")
                    .header("Runstream-First-Sequence", "0")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(ThreadLocalRandom.current().nextLong(chunkIntervalMs * 10 + 1));
            try (pipe) {
                for (String chunk : run.chunks()) {
                    pipe.write((chunk + "\n").getBytes(StandardCharsets.UTF_8));
                    pipe.flush();
                    run.sent().incrementAndGet();
                    Thread.sleep(ThreadLocalRandom.current().nextLong(chunkIntervalMs * 2 + 1));
                }
            }
            reply.join();
        } catch (IOException | InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the run's SSE stream to its end, counting the chunks seen. */
    private void watch(RunstreamNode node, DemoRun run) {
        try {
            HttpResponse<java.util.stream.Stream<String>> response = http.send(HttpRequest.newBuilder(
                    node.localUri("/v1/runs/" + run.runId() + "/stream")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            response.body().filter(line -> line.startsWith("data: ")).forEach(line -> run.seen().incrementAndGet());
        } catch (IOException | InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitHealthy(RunstreamNode node) throws IOException, InterruptedException {
        Deadline deadline = Deadline.after(Duration.ofSeconds(60));
        while (!deadline.passed()) {
            if (http.send(HttpRequest.newBuilder(node.localUri("/health")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the bridge did not become healthy within 60 s");
    }

    private Map<String, String> statuses(RunstreamNode node) {
        Map<String, String> statuses = new HashMap<>();
        runsById(node).forEach((id, run) -> statuses.put(id, run.path("status").asText()));
        return statuses;
    }

    private Map<String, JsonNode> runsById(RunstreamNode node) {
        Map<String, JsonNode> runsById = new HashMap<>();
        try {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(node.localUri("/v1/runs?limit=10000"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() == 200) {
                Json.MAPPER.readTree(reply.body()).path("runs")
                        .forEach(run -> runsById.put(run.path("runId").asText(), run));
            }
        } catch (IOException e) {
            // the view shows no statuses this frame
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return runsById;
    }

    /** Waits (up to 30 s) until every run's summary has all its persisted chunks. */
    private Map<String, String> awaitSettled(RunstreamNode node, List<DemoRun> plan) throws InterruptedException {
        Deadline deadline = Deadline.after(Duration.ofSeconds(30));
        Map<String, JsonNode> runs = runsById(node);
        while (!deadline.passed() && !plan.stream().allMatch(run -> runs.containsKey(run.runId())
                && runs.get(run.runId()).path("chunkCount").asLong() >= run.chunks().size())) {
            Thread.sleep(250);
            runs.clear();
            runs.putAll(runsById(node));
        }
        return statuses(node);
    }

    /** The run's chunks that are not transient: what a reader who comes after the run's end sees. */
    static long persistedCount(DemoRun run) {
        return run.chunks().stream().filter(chunk -> !chunk.contains("\"transient\":true")).count();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
