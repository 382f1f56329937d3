package dev.runstream.benchmarks;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sizes of one benchmark run: {@link #quick()} finishes in a few minutes on two cores, {@link #full()} takes
 * longer and measures at the loads named in the issue (e.g. 1 000 live runs × 20 chunks/s).
 *
 * @param mode                 {@code quick} or {@code full}
 * @param publishRuns          concurrent runs of the publish benchmark, one measurement each
 * @param publishChunks        chunks each side writes per timed round
 * @param publishRounds        timed rounds per side (sides alternate; the best round is reported)
 * @param liveRuns             runs streaming at once in the live-latency benchmark
 * @param liveRatePerRun       chunks per second of each live run
 * @param liveWarmup           paced load before latencies are recorded
 * @param liveMeasure          paced load whose latencies are recorded
 * @param runStartSamples      new runs per side in the run-start benchmark
 * @param aggregationRuns      runs of the aggregation input
 * @param aggregationChunks    chunks per run of the aggregation input
 * @param newRunSamples        new runs per side whose first summary (or output record) is waited for
 * @param replayChunks         chunks of the run replayed in the replay benchmark
 * @param replayRounds         timed replays per side
 * @param sseSubscribers       SSE readers held open at once (spread evenly over {@code sseRuns})
 * @param sseRuns              runs the SSE readers follow
 * @param sseRatePerRun        chunks per second of each followed run while latencies are measured
 * @param sseIdle              how long the SSE readers are held with nothing written, for idle CPU
 * @param jmhForks             JMH forks of the codec benchmark
 * @param jmhIterations        JMH warm-up and measurement iterations each
 * @param jmhIterationTime     length of one JMH iteration
 */
public record BenchSettings(String mode, List<Integer> publishRuns, int publishChunks, int publishRounds,
        int liveRuns, int liveRatePerRun, Duration liveWarmup, Duration liveMeasure, int runStartSamples,
        int aggregationRuns, int aggregationChunks, int newRunSamples, int replayChunks, int replayRounds,
        int sseSubscribers, int sseRuns, int sseRatePerRun, Duration sseIdle,
        int jmhForks, int jmhIterations, Duration jmhIterationTime) {

    public BenchSettings {
        publishRuns = List.copyOf(publishRuns);
        requirePositive("publishChunks", publishChunks);
        requirePositive("publishRounds", publishRounds);
        requirePositive("liveRuns", liveRuns);
        requirePositive("liveRatePerRun", liveRatePerRun);
        requirePositive("runStartSamples", runStartSamples);
        requirePositive("aggregationRuns", aggregationRuns);
        requirePositive("aggregationChunks", aggregationChunks);
        requirePositive("newRunSamples", newRunSamples);
        requirePositive("replayChunks", replayChunks);
        requirePositive("replayRounds", replayRounds);
        requirePositive("sseSubscribers", sseSubscribers);
        requirePositive("sseRuns", sseRuns);
        requirePositive("sseRatePerRun", sseRatePerRun);
        requirePositive("jmhForks", jmhForks);
        requirePositive("jmhIterations", jmhIterations);
        publishRuns.forEach(runs -> requirePositive("publishRuns", runs));
    }

    /** A few minutes on two shared cores: the loads scaled down, short JMH iterations. */
    public static BenchSettings quick() {
        return new BenchSettings("quick", List.of(1, 100, 1000), 100_000, 3,
                200, 10, Duration.ofSeconds(5), Duration.ofSeconds(15), 20,
                50, 400, 10, 20_000, 3,
                10_000, 200, 1, Duration.ofSeconds(10),
                1, 3, Duration.ofSeconds(1));
    }

    /** The loads of the issue; about half an hour on two cores. */
    public static BenchSettings full() {
        return new BenchSettings("full", List.of(1, 100, 1000), 300_000, 3,
                1000, 20, Duration.ofSeconds(10), Duration.ofSeconds(40), 100,
                200, 1000, 40, 200_000, 5,
                10_000, 1000, 1, Duration.ofSeconds(30),
                2, 5, Duration.ofSeconds(2));
    }

    /** The settings of a mode name ({@code quick}, {@code full}). */
    public static BenchSettings of(String mode) {
        return switch (mode) {
            case "quick" -> quick();
            case "full" -> full();
            default -> throw new IllegalArgumentException("unknown mode '" + mode + "': quick or full");
        };
    }

    /** These settings with other run counts for the publish benchmark. */
    public BenchSettings withPublishRuns(List<Integer> runs) {
        return new BenchSettings(mode, runs, publishChunks, publishRounds, liveRuns, liveRatePerRun, liveWarmup,
                liveMeasure, runStartSamples, aggregationRuns, aggregationChunks, newRunSamples, replayChunks,
                replayRounds, sseSubscribers, sseRuns, sseRatePerRun, sseIdle, jmhForks, jmhIterations,
                jmhIterationTime);
    }

    /**
     * These settings with one changed by name (a record component): integers as numbers, durations in
     * milliseconds, {@code publishRuns} as a comma-separated list.
     *
     * @throws IllegalArgumentException naming the setting when there is none of that name or the value does not fit
     */
    public BenchSettings with(String name, String value) {
        RecordComponent[] components = BenchSettings.class.getRecordComponents();
        Object[] values = new Object[components.length];
        boolean found = false;
        try {
            for (int i = 0; i < components.length; i++) {
                values[i] = components[i].getAccessor().invoke(this);
                if (components[i].getName().equals(name) && !name.equals("mode")) {
                    found = true;
                    Class<?> type = components[i].getType();
                    values[i] = type == int.class ? Integer.parseInt(value.trim())
                            : type == Duration.class ? Duration.ofMillis(Long.parseLong(value.trim()))
                            : java.util.Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf)
                                    .toList();
                }
            }
            if (!found) {
                throw new IllegalArgumentException("no setting '" + name + "'");
            }
            Class<?>[] types = java.util.Arrays.stream(components).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new);
            return BenchSettings.class.getDeclaredConstructor(types).newInstance(values);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + name + "': '" + value + "' is not a number", e);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof IllegalArgumentException bad ? bad
                    : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every setting by name, durations in milliseconds: for the JSON results. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent component : BenchSettings.class.getRecordComponents()) {
            try {
                Object value = component.getAccessor().invoke(this);
                out.put(value instanceof Duration d ? component.getName() + "Ms" : component.getName(),
                        value instanceof Duration d ? d.toMillis() : value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
