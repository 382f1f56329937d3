package dev.runstream.benchmarks;

import dev.runstream.benchmarks.scale.ScaleSettings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The command line of {@link BenchmarkMain}.
 *
 * @param settings the sizes ({@code --quick}, the default, or {@code --full})
 * @param scale    the sizes of the scale benchmark ({@code --soak} for its soak mode)
 * @param only     the benchmarks to run, in {@link #BENCHMARKS} order; all when not given
 * @param output   where the JSON goes
 * @param dataDir  where the broker keeps its data (a new directory under it); default: memory if it has room
 * @param runstreamConfig Runstream settings given to every benchmark's clients, Runstream's and raw Kafka's alike
 * @param help     whether only the usage was asked for
 */
public record BenchOptions(BenchSettings settings, ScaleSettings scale, Set<String> only, Path output, Optional<Path> dataDir,
        Map<String, String> runstreamConfig, boolean help) {

    /** Every benchmark, in the order they run. */
    public static final List<String> BENCHMARKS = List.of("codec", "list", "publish", "live", "run-start",
            "aggregation", "replay", "sse", "scale");

    public static final String USAGE = """
            usage: java -jar benchmarks/target/runstream-benchmarks.jar [--quick | --full] [--only=NAME,...] [--out=FILE]
              --quick      loads scaled down to finish in a few minutes on two cores (default)
              --full       the issue's loads (1 000 live runs x 20 chunks/s, ...); about half an hour
              --only=...   some of: %s
              --publish-runs=1,100,1000   the concurrent runs of the publish benchmark
              --soak       only the scale benchmark, as a soak: 1 000 000 runs at 200 runs/s (change with --set)
              --config=KEY=VALUE  a Runstream setting for both sides (e.g. kafka.producer.compression.type=none)
              --set=NAME=VALUE  any size of BenchSettings or ScaleSettings (e.g. --set=liveRuns=500,
                           --set=rate=50, --set=serveConfig=source.mode=ingest,run.topic.delete.after.ms=30000;
                           durations in ms); repeatable
              --out=FILE   the JSON results (default: results.json next to the jar)
              --data-dir=DIR  where the broker keeps its data (default: /dev/shm when it has 8 GB free, else /tmp)""".formatted(
            String.join(",", BENCHMARKS));

    public BenchOptions {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(scale, "scale");
        only = Set.copyOf(only);
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(dataDir, "dataDir");
        runstreamConfig = Map.copyOf(runstreamConfig);
    }

    public static BenchOptions parse(String[] args, Path defaultOutput) {
        BenchSettings settings = BenchSettings.quick();
        ScaleSettings scale = ScaleSettings.quick();
        Set<String> only = new LinkedHashSet<>(BENCHMARKS);
        Path output = defaultOutput;
        Optional<Path> dataDir = Optional.empty();
        Map<String, String> runstreamConfig = new java.util.LinkedHashMap<>();
        boolean help = false;
        List<Integer> publishRuns = null;
        List<String[]> overrides = new java.util.ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--quick")) {
                settings = BenchSettings.quick();
            } else if (arg.equals("--full")) {
                settings = BenchSettings.full();
            } else if (arg.equals("--soak")) {
                scale = ScaleSettings.soakDefaults();
                only = new LinkedHashSet<>(List.of("scale"));
            } else if (arg.startsWith("--only=")) {
                only = new LinkedHashSet<>();
                for (String name : arg.substring("--only=".length()).split(",")) {
                    if (!BENCHMARKS.contains(name.trim())) {
                        throw new IllegalArgumentException("unknown benchmark '" + name + "' in " + arg);
                    }
                    only.add(name.trim());
                }
            } else if (arg.startsWith("--publish-runs=")) {
                try {
                    publishRuns = Arrays.stream(arg.substring("--publish-runs=".length()).split(","))
                            .map(String::trim).map(Integer::valueOf).toList();
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a list of run counts: " + arg, e);
                }
            } else if (arg.startsWith("--set=") && arg.indexOf('=', "--set=".length()) > 0) {
                String assignment = arg.substring("--set=".length());
                overrides.add(assignment.split("=", 2));
            } else if (arg.startsWith("--config=") && arg.indexOf('=', "--config=".length()) > 0) {
                String[] setting = arg.substring("--config=".length()).split("=", 2);
                runstreamConfig.put(setting[0], setting[1]);
            } else if (arg.startsWith("--data-dir=") && arg.length() > "--data-dir=".length()) {
                dataDir = Optional.of(Path.of(arg.substring("--data-dir=".length())));
            } else if (arg.startsWith("--out=") && arg.length() > "--out=".length()) {
                output = Path.of(arg.substring("--out=".length()));
            } else if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "' (of " + Arrays.toString(args) + ")");
            }
        }
        if (publishRuns != null) {
            settings = settings.withPublishRuns(publishRuns);
        }
        for (String[] override : overrides) {
            if (ScaleSettings.has(override[0])) {
                scale = scale.with(override[0], override[1]);
            } else {
                settings = settings.with(override[0], override[1]);
            }
        }
        return new BenchOptions(settings, scale, only, output, dataDir, runstreamConfig, help);
    }

    public boolean includes(String benchmark) {
        return only.contains(benchmark);
    }
}
