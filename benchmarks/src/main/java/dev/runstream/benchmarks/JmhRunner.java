package dev.runstream.benchmarks;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/** Runs one JMH benchmark class in forked JVMs with the forks and iterations of {@link BenchSettings}. */
public final class JmhRunner {

    private JmhRunner() {
    }

    /**
     * Every method of {@code benchmark}, for every value of its {@code param}; the scores by
     * {@code <param value>/<method>}, with their results.
     *
     * @param heap the forks' {@code -Xms} and {@code -Xmx}, e.g. {@code "1g"}
     */
    public static Map<String, RunResult> run(Class<?> benchmark, String param, BenchSettings settings, String heap) {
        TimeValue iteration = TimeValue.milliseconds(settings.jmhIterationTime().toMillis());
        Options options = new OptionsBuilder()
                .include(benchmark.getName().replace(".", "\\.") + "\\.")
                .forks(settings.jmhForks())
                .warmupIterations(settings.jmhIterations()).warmupTime(iteration)
                .measurementIterations(settings.jmhIterations()).measurementTime(iteration)
                .jvmArgsAppend("-D" + BenchmarkMain.AVRO_TRUSTED_PACKAGES + "=dev.runstream", "-Xms" + heap,
                        "-Xmx" + heap)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results;
        try {
            results = new Runner(options).run();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
        }
        Map<String, RunResult> byKey = new LinkedHashMap<>();
        for (RunResult result : results) {
            String method = result.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            byKey.put(result.getParams().getParam(param) + "/" + method, result);
        }
        return byKey;
    }
}
