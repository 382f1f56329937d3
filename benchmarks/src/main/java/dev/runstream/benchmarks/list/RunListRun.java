package dev.runstream.benchmarks.list;

import dev.runstream.benchmarks.BenchSettings;
import dev.runstream.benchmarks.report.Figure;
import dev.runstream.benchmarks.report.Report;
import dev.runstream.benchmarks.report.Target;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link RunListBenchmark} with JMH and reports a run-list page from the index against the read of every
 * summary, at 100 000 and 1 000 000 stored runs, with the index's heap per run.
 */
public final class RunListRun {

    private final BenchSettings settings;
    private final Report report;

    public RunListRun(BenchSettings settings, Report report) {
        this.settings = settings;
        this.report = report;
    }

    public void run() {
        TimeValue iteration = TimeValue.milliseconds(settings.jmhIterationTime().toMillis());
        Options options = new OptionsBuilder()
                .include(RunListBenchmark.class.getName().replace(".", "\\.") + "\\.")
                .forks(settings.jmhForks())
                .warmupIterations(settings.jmhIterations()).warmupTime(iteration)
                .measurementIterations(settings.jmhIterations()).measurementTime(iteration)
                .jvmArgsAppend("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.runstream", "-Xms3g", "-Xmx3g")
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results;
        try {
            results = new Runner(options).run();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
        }
        Map<String, Double> scores = new HashMap<>();
        var details = report.details("list");
        for (RunResult result : results) {
            String method = result.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            String key = result.getParams().getParam("runs") + "/" + method;
            scores.put(key, result.getPrimaryResult().getScore());
            details.putObject(key).put("microsPerPage", result.getPrimaryResult().getScore())
                    .put("error99", result.getPrimaryResult().getScoreError());
        }
        String note = "JMH " + settings.jmhForks() + " fork(s); anchor: every summary decoded, filtered, sorted "
                + "(GET /v1/runs before the index)";
        for (String runs : List.of("100000", "1000000")) {
            String name = "run list, " + runs + " runs";
            report.add(Figure.of(name, "first page µs", scores.getOrDefault(runs + "/indexFirstPage", Double.NaN),
                    scores.getOrDefault(runs + "/scanFirstPage", Double.NaN), Target.none(), note));
            report.add(Figure.of(name, "status=failed page µs",
                    scores.getOrDefault(runs + "/indexFailedPage", Double.NaN),
                    scores.getOrDefault(runs + "/scanFailedPage", Double.NaN), Target.none(), ""));
        }
        details.put("indexBytesPerRun", indexBytesPerRun());
    }

    /** The index's heap per run, at 200 000 runs: heap after building it, less heap before, over the runs. */
    private static double indexBytesPerRun() {
        int runs = 200_000;
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long before = runtime.totalMemory() - runtime.freeMemory();
        dev.runstream.bridge.aggregate.RunActivityIndex index =
                new dev.runstream.bridge.aggregate.RunActivityIndex();
        for (int i = 0; i < runs; i++) {
            index.update(RunListBenchmark.summary(i));
        }
        System.gc();
        long after = runtime.totalMemory() - runtime.freeMemory();
        double perRun = (after - before) / (double) runs;
        if (index.size() != runs) {
            throw new IllegalStateException("the index holds " + index.size() + " runs, not " + runs);
        }
        return perRun;
    }
}
