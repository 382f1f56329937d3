package dev.runstream.benchmarks.scale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.benchmarks.report.Figure;
import dev.runstream.benchmarks.report.Latencies;
import dev.runstream.benchmarks.report.Report;
import dev.runstream.benchmarks.report.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The scale benchmark: the real {@code serve} in a child JVM under runs arriving as a Poisson process. Phase A: long
 * runs alone; phase B: the same long runs plus arriving short runs; then arriving token-paced runs; all the while
 * a summary poller and a sampler of serve's resources; then an end-to-end check of sampled runs, and the raw Kafka
 * churn and Redis Streams anchors at the same rate. In soak mode only the short runs arrive, for long, with
 * periodic checks, and the end tells whether serve's resources stayed flat.
 */
public final class ScaleBenchmark {

    private static final String NAME = "scale";
    private static final String RUN_TOPIC_PREFIX = "runstream.run.";

    private final ScaleSettings settings;
    private final Report report;
    private final Path dir;
    private final Path defaultJar;

    public ScaleBenchmark(ScaleSettings settings, Report report, Path dir, Path defaultJar) {
        this.settings = settings;
        this.report = report;
        this.dir = dir;
        this.defaultJar = defaultJar;
    }

    public void run() throws InterruptedException {
        ObjectNode details = report.details(NAME);
        details.set("settings", new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(settings.describe()));
        Path jar = settings.serveJar().isEmpty() ? defaultJar : Path.of(settings.serveJar());
        try (ServeProcess serve = ServeProcess.start(jar, settings.serveHeap(), settings.serveConfigMap(), dir);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        serve.bootstrapServers()));
                RunClient client = new RunClient(serve.httpPort())) {
            progress("serve pid %d started in %d ms: %s, http port %d; log %s", serve.pid(),
                    serve.startupTime().toMillis(), serve.bootstrapServers(), serve.httpPort(), serve.log());
            details.put("serveCommand", String.join(" ", serve.command()));
            details.put("serveStartupMs", serve.startupTime().toMillis());
            details.put("serveLog", serve.log().toString());
            AtomicLong runs = new AtomicLong();
            AtomicLong chunks = new AtomicLong();
            ResourceSampler sampler = new ResourceSampler(serve.pid(), admin, RUN_TOPIC_PREFIX, client, runs, chunks,
                    settings.sampleInterval());
            SummaryPoller poller = new SummaryPoller(client, settings.pollRate());
            ScaleLoad load = new ScaleLoad(settings, client, poller, runs, chunks);
            Checks checks = new Checks(client, load.sampled(), settings.effectiveCheckAfter(), settings.soak(), serve);
            ScaleLoad.Figures shortRuns = new ScaleLoad.Figures();
            ScaleLoad.Figures tokenRuns = new ScaleLoad.Figures();
            LongRuns longRuns = null;
            if (!settings.soak() && settings.longRuns() > 0) {
                progress("phase A: %d long runs, a chunk every %d ms, for %d s", settings.longRuns(),
                        settings.longInterval().toMillis(), settings.phase().toSeconds());
                // A quarter of phase A, at most 5 s, lets the long runs' topics and fetches settle first.
                java.time.Duration warmup = settings.phase().dividedBy(4).compareTo(java.time.Duration.ofSeconds(5))
                        > 0 ? java.time.Duration.ofSeconds(5) : settings.phase().dividedBy(4);
                longRuns = LongRuns.start(client, settings.longRuns(), settings.longInterval(), warmup);
                Thread.sleep(settings.phase());
                longRuns.enterPhaseB();
            }
            progress("phase B: %d short runs at %.1f runs/s%s", settings.runs(), settings.rate(),
                    longRuns != null ? " beside the long runs" : "");
            Arrivals.Outcome shortOutcome = Arrivals.run(settings.rate(), settings.runs(), settings.seed(),
                    settings.maxInFlight(), (index, due) -> load.shortRun(index, shortRuns));
            progress("phase B done: %.1f runs/s (offered %.1f), %d failed, lateness p99 %.0f ms",
                    shortOutcome.doneRate(), shortOutcome.offeredRate(), shortOutcome.failed(),
                    shortOutcome.lateness().percentileMillis(99));
            if (longRuns != null) {
                longRuns.finish();
            }
            Arrivals.Outcome tokenOutcome = null;
            if (!settings.soak() && settings.tokenRuns() > 0) {
                progress("token runs: %d at %.1f runs/s, a chunk every %d ms", settings.tokenRuns(), settings.rate(),
                        settings.tokenInterval().toMillis());
                tokenOutcome = Arrivals.run(settings.rate(), settings.tokenRuns(), settings.seed() + 1,
                        settings.maxInFlight(), (index, due) -> load.tokenRun(index, tokenRuns));
            }
            poller.drain(settings.soak() ? 60_000 : 20_000);
            long readersEnded = load.awaitReaders(15_000);
            checks.close();
            checks.checkAll();
            sampler.close();
            LogTally log = serve.tallyLog(5);
            details.set("shortRuns", figures(shortOutcome, shortRuns));
            if (tokenOutcome != null) {
                details.set("tokenRuns", figures(tokenOutcome, tokenRuns));
            }
            details.set("summaries", poller.toJson());
            details.put("readers", load.readerCount()).put("readersEnded", readersEnded)
                    .put("readerErrorEvents", load.readerErrorEvents());
            details.set("checks", checks.toJson());
            details.set("resources", sampler.toJson());
            details.set("serveLogTally", logJson(log));
            System.out.print(sampler.table());
            report(shortOutcome, shortRuns, tokenOutcome, tokenRuns, longRuns, poller, checks, log, sampler,
                    details);
            if (settings.anchors() && settings.anchorRuns() > 0) {
                ScaleAnchors.run(settings, serve.bootstrapServers(), admin, load, dir, report, details,
                        shortOutcome, shortRuns);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            deleteData(dir);
        }
    }

    /** Deletes serve's data (the broker's log, in memory by default) and Redis's; its logs stay. */
    private static void deleteData(Path dir) {
        for (Path data : List.of(dir.resolve("data"), dir.resolve("redis"))) {
            if (!java.nio.file.Files.exists(data)) {
                continue;
            }
            try (var paths = java.nio.file.Files.walk(data)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (java.io.IOException e) {
                progress("could not delete %s: %s", data, e);
            }
        }
    }

    private void report(Arrivals.Outcome shortOutcome, ScaleLoad.Figures shortRuns, Arrivals.Outcome tokenOutcome,
            ScaleLoad.Figures tokenRuns, LongRuns longRuns, SummaryPoller poller, Checks checks, LogTally log,
            ResourceSampler sampler, ObjectNode details) {
        String serveConfig = settings.serveConfig().isEmpty() ? "serve defaults" : settings.serveConfig();
        String name = String.format(Locale.ROOT, "scale: %d short runs at %s/s", settings.runs(),
                Figure.format(settings.rate()));
        report.add(Figure.withoutAnchor(name, "runs/s done", shortOutcome.doneRate(), Target.none(),
                "offered " + Figure.format(settings.rate()) + " runs/s (Poisson); " + shortOutcome.failed()
                        + " failed; " + shortOutcome.behind() + " started > 1 s late; " + serveConfig));
        report.add(Figure.withoutAnchor(name, "POST p50 ms", shortRuns.post.percentileMillis(50), Target.none(),
                "one POST of all the run's chunks (NDJSON)"));
        report.add(Figure.withoutAnchor(name, "POST p99 ms", shortRuns.post.percentileMillis(99), Target.none(), ""));
        addLatency(name, "run start", shortRuns.runStart, "POST sent → first chunk at the run's SSE reader ("
                + settings.readerPercent() + "% of runs, connected before)");
        if (longRuns != null) {
            String longName = String.format(Locale.ROOT, "scale: %d long runs, live", settings.longRuns());
            report.add(Figure.of(longName, "p50 ms, B vs A", longRuns.phaseB().percentileMillis(50),
                    longRuns.phaseA().percentileMillis(50), Target.none(),
                    "chunk sent → SSE event; 'raw anchor' column = phase A (no arrivals, after a warm-up), "
                            + "Runstream = phase B"));
            report.add(Figure.of(longName, "p99 ms, B vs A", longRuns.phaseB().percentileMillis(99),
                    longRuns.phaseA().percentileMillis(99), Target.none(), longRuns.failures() + " POSTs failed"));
            details.putObject("longRuns").<ObjectNode>set("phaseA", longRuns.phaseA().toJson())
                    .<ObjectNode>set("phaseB", longRuns.phaseB().toJson()).put("failedPosts", longRuns.failures());
        }
        if (tokenOutcome != null) {
            String tokenName = String.format(Locale.ROOT, "scale: %d token runs (%d ms/chunk)", settings.tokenRuns(),
                    settings.tokenInterval().toMillis());
            report.add(Figure.withoutAnchor(tokenName, "runs/s done", tokenOutcome.doneRate(), Target.none(),
                    tokenOutcome.failed() + " failed"));
            addLatency(tokenName, "run start", tokenRuns.runStart, "first chunk written → first SSE event");
            addLatency(tokenName, "live", tokenRuns.live, "each later chunk written → its SSE event");
        }
        report.add(Figure.withoutAnchor("scale: summaries", "available %", poller.availablePercent(),
                Target.none(), "GET /v1/runs/{id} at " + settings.pollRate() + "/s; 404 > 1 s after the ack and "
                        + "503 count as unavailable"));
        addLatency("scale: summaries", "ack → final status", poller.freshness(), "POST acknowledged → summary "
                + "shows the final status");
        addLatency("scale: summaries", "ack → exists", poller.existence(), "");
        report.add(Figure.withoutAnchor("scale: summaries", "runs never final", poller.neverFinal(),
                Target.atMost(0), "followed runs whose summary had not shown the final status when the poller "
                        + "stopped (left out of the freshness figures above)"));
        report.add(Figure.withoutAnchor("scale: end-to-end check", "runs intact", checks.intact(),
                Target.atLeast(checks.checked()), "of " + checks.checked() + " sampled (summary, replay, resume)"));
        report.add(Figure.withoutAnchor("scale: serve log", "ERROR lines", log.errors(), Target.atMost(0),
                log.firstErrors().isEmpty() ? "" : "first: " + log.firstErrors().get(0)));
        report.add(Figure.withoutAnchor("scale: serve log", "WARN lines", log.warnings(), Target.none(),
                log.firstWarnings().isEmpty() ? "" : "first: " + log.firstWarnings().get(0)));
        List<ResourceSampler.Sample> samples = sampler.samples();
        if (!samples.isEmpty()) {
            ResourceSampler.Sample last = samples.get(samples.size() - 1);
            long maxTopics = samples.stream().mapToLong(ResourceSampler.Sample::runTopics).max().orElse(-1);
            report.add(Figure.withoutAnchor("scale: serve resources", "run topics max", maxTopics, Target.none(),
                    "at the end: " + last.runTopics() + " topics, " + last.openFiles() + " fds, " + last.maps()
                            + " maps, RSS " + Figure.format(last.rssBytes() / 1e6) + " MB"));
        }
        ObjectNode flat = details.putObject("flatness");
        flat(flat, "openFiles", samples.stream().map(ResourceSampler.Sample::openFiles).toList(), 0.1, 20);
        flat(flat, "memoryMaps", samples.stream().map(ResourceSampler.Sample::maps).toList(), 0.1, 50);
        flat(flat, "heapUsedBytes", samples.stream().map(ResourceSampler.Sample::heapBytes).toList(), 0.25, 0);
        flat(flat, "runTopics", samples.stream().map(ResourceSampler.Sample::runTopics).toList(), 0.1, 20);
    }

    private void flat(ObjectNode node, String name, List<Long> values, double tolerance, double slack) {
        Flatness f = Flatness.of(values, tolerance, slack);
        node.putObject(name).put("middleThirdMax", f.middleMax()).put("lastThirdMax", f.lastMax())
                .put("flat", f.flat()).put("samples", f.samples());
        if (settings.soak()) {
            report.add(Figure.withoutAnchor("scale soak: " + name, "last/middle third max",
                    f.middleMax() == 0 ? 0 : f.lastMax() / f.middleMax(), Target.none(),
                    (f.flat() ? "flat" : "GROWING") + ": " + Figure.format(f.middleMax()) + " → "
                            + Figure.format(f.lastMax()) + " over " + f.samples() + " samples"));
        }
    }

    private void addLatency(String name, String what, Latencies latencies, String note) {
        report.add(Figure.withoutAnchor(name, what + " p50 ms", latencies.percentileMillis(50), Target.none(),
                note + (latencies.count() == 0 ? " (none recorded)" : "")));
        report.add(Figure.withoutAnchor(name, what + " p99 ms", latencies.percentileMillis(99), Target.none(),
                latencies.count() + " samples"));
    }

    static ObjectNode figures(Arrivals.Outcome outcome, ScaleLoad.Figures figures) {
        ObjectNode node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        arrivals(node, outcome);
        node.set("post", figures.post.toJson());
        node.set("runStart", figures.runStart.toJson());
        node.set("live", figures.live.toJson());
        node.set("readerConnect", figures.readerConnect.toJson());
        node.put("failedPosts", figures.failedPosts.get());
        node.put("readersNotConnected", figures.readersNotConnected.get());
        return node;
    }

    static ObjectNode arrivals(ObjectNode node, Arrivals.Outcome outcome) {
        node.put("runs", outcome.runs()).put("failed", outcome.failed()).put("offeredRate", outcome.offeredRate())
                .put("startedRate", outcome.startedRate()).put("doneRate", outcome.doneRate())
                .put("seconds", outcome.seconds()).put("startedMoreThan1sLate", outcome.behind());
        node.set("lateness", outcome.lateness().toJson());
        return node;
    }

    private static ObjectNode logJson(LogTally log) {
        ObjectNode node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        node.put("errors", log.errors()).put("warnings", log.warnings());
        ArrayNode errors = node.putArray("firstErrors");
        log.firstErrors().forEach(errors::add);
        ArrayNode warnings = node.putArray("firstWarnings");
        log.firstWarnings().forEach(warnings::add);
        return node;
    }

    static void progress(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[scale] %s%n", String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
