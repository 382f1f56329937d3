package dev.runstream.benchmarks;

import dev.runstream.benchmarks.codec.CodecRun;
import dev.runstream.benchmarks.list.RunListRun;
import dev.runstream.benchmarks.kafka.AggregationBenchmark;
import dev.runstream.benchmarks.kafka.LiveLatency;
import dev.runstream.benchmarks.kafka.PublishThroughput;
import dev.runstream.benchmarks.kafka.ReplayThroughput;
import dev.runstream.benchmarks.kafka.RunStartLatency;
import dev.runstream.benchmarks.load.ChunkMix;
import dev.runstream.benchmarks.report.Figure;
import dev.runstream.benchmarks.report.Report;
import dev.runstream.benchmarks.sse.SseBenchmark;
import dev.runstream.benchmarks.report.Target;
import dev.runstream.benchmarks.scale.ScaleBenchmark;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Runs the chosen benchmarks in order; one that fails is reported as such and the others still run. */
final class BenchRun {

    private static final List<String> ON_BROKER = List.of("publish", "live", "run-start", "aggregation", "replay",
            "sse");

    private BenchRun() {
    }

    /** Runs what {@code options} selects into {@code report}; returns whether every benchmark ran. */
    static boolean run(BenchOptions options, ChunkMix mix, Report report) {
        BenchSettings settings = options.settings();
        boolean ok = true;
        if (options.includes("codec")) {
            ok &= step(report, "codec", () -> new CodecRun(settings, report).run());
        }
        if (options.includes("list")) {
            ok &= step(report, "list", () -> new RunListRun(settings, report).run());
        }
        if (ON_BROKER.stream().anyMatch(options::includes)) {
            long begin = System.nanoTime();
            Path dir = BenchmarkMain.brokerDir(options.dataDir().orElse(null));
            report.details("broker").put("dataDir", dir.toString()).put("fileStore", fileStore(dir));
            try (BenchEnvironment env = BenchEnvironment.start(dir, options.runstreamConfig())) {
                progress("broker", "started at %s in %d ms, data in %s (%s)", env.bootstrapServers(),
                        env.brokerStartupTime().toMillis(), dir, fileStore(dir));
                if (options.includes("publish")) {
                    ok &= step(report, "publish", () -> new PublishThroughput(env, settings, mix, report).run());
                }
                if (options.includes("live")) {
                    ok &= step(report, "live", () -> new LiveLatency(env, settings, mix, report).run());
                }
                if (options.includes("run-start")) {
                    ok &= step(report, "run-start", () -> new RunStartLatency(env, settings, mix, report).run());
                }
                if (options.includes("aggregation")) {
                    ok &= step(report, "aggregation",
                            () -> new AggregationBenchmark(env, settings, mix, report).run());
                }
                if (options.includes("replay")) {
                    ok &= step(report, "replay", () -> new ReplayThroughput(env, settings, mix, report).run());
                }
                if (options.includes("sse")) {
                    ok &= step(report, "sse", () -> new SseBenchmark(env, settings, mix, report).run());
                }
            }
            progress("broker", "closed; broker benchmarks took %.0f s", (System.nanoTime() - begin) / 1e9);
        }
        if (options.includes("scale")) {
            Path dir = BenchmarkMain.brokerDir(options.dataDir().orElse(null));
            ok &= step(report, "scale", () -> new ScaleBenchmark(options.scale(), report, dir,
                    BenchmarkMain.serveJar()).run());
        }
        return ok;
    }

    /** A benchmark: it may be interrupted. */
    interface Benchmark {
        void run() throws InterruptedException;
    }

    private static boolean step(Report report, String name, Benchmark benchmark) {
        long begin = System.nanoTime();
        double loadBefore = loadAverage();
        progress(name, "running (load average %.2f)", loadBefore);
        try {
            benchmark.run();
            double loadAfter = loadAverage();
            report.details(name).putObject("machine").put("loadAverageBefore", loadBefore)
                    .put("loadAverageAfter", loadAfter).put("seconds", (System.nanoTime() - begin) / 1e9);
            progress(name, "done in %.1f s (load average %.2f)", (System.nanoTime() - begin) / 1e9, loadAfter);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + name, e);
        } catch (RuntimeException e) {
            progress(name, "FAILED after %.1f s: %s", (System.nanoTime() - begin) / 1e9, e);
            e.printStackTrace();
            report.add(Figure.todo(name, "failed", Target.none(), "the benchmark failed: " + e));
            return false;
        }
    }

    private static String fileStore(Path dir) {
        try {
            var store = java.nio.file.Files.getFileStore(dir);
            return store.type() + " " + store.name();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** The system's one-minute load average: other work on the machine shows here (two cores, shared). */
    static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static void progress(String benchmark, String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%s] %s%n", benchmark, String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
