package dev.runstream.benchmarks.list;

import dev.runstream.benchmarks.BenchSettings;
import dev.runstream.benchmarks.JmhRunner;
import dev.runstream.benchmarks.report.Figure;
import dev.runstream.benchmarks.report.Report;
import dev.runstream.benchmarks.report.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;

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
        Map<String, RunResult> results = JmhRunner.run(RunListBenchmark.class, "runs", settings, "3g");
        Map<String, Double> scores = new HashMap<>();
        var details = report.details("list");
        results.forEach((key, result) -> {
            scores.put(key, result.getPrimaryResult().getScore());
            details.putObject(key).put("microsPerPage", result.getPrimaryResult().getScore())
                    .put("error99", result.getPrimaryResult().getScoreError());
        });
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
