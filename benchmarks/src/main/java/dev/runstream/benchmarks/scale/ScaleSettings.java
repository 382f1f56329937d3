package dev.runstream.benchmarks.scale;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sizes of the scale benchmark ({@code --only=scale}) and of its soak mode ({@code --soak}); each can be changed
 * with {@code --set=NAME=VALUE} (durations in milliseconds).
 *
 * @param soak            whether this is the soak: no long runs, no token runs, no anchors, periodic checks
 * @param runs            short runs (one POST of all their chunks) arriving in phase B
 * @param rate            runs per second of the Poisson arrivals (short runs, token runs and both anchors)
 * @param tokenRuns       token-paced runs (one POST whose body is streamed a chunk at a time) after phase B
 * @param tokenInterval   the pause between two chunks of a token-paced run
 * @param readerPercent   the share of arriving runs (0–100) read over SSE from before their first chunk
 * @param longRuns        runs streaming all through phases A and B, each read over SSE
 * @param longInterval    the pause between two chunks of a long run
 * @param phase           the length of phase A (long runs only)
 * @param pollRate        summary reads per second of the poller
 * @param sampleInterval  how often the serve process's resources are sampled
 * @param checkEvery      one arriving run in this many is checked end to end
 * @param checkAfter      how long after its end a sampled run is checked (at most a third of serve's
 *                        {@code run.topic.delete.after.ms}, so that its topic still exists)
 * @param maxInFlight     POSTs of arriving runs under way at once (the rest wait in the queue)
 * @param serveHeap       {@code -Xmx} of the serve process
 * @param serveConfig     {@code serve --config} settings, comma-separated {@code k=v}
 * @param serveJar        the {@code runstream.jar} to run; empty: {@code kafka-bridge/target/runstream.jar}
 * @param scenarios       corpus scenarios of arriving runs, comma-separated, used in turn
 * @param anchors         whether the raw Kafka churn and Redis Streams anchors run
 * @param anchorRuns      runs of each anchor, at {@code rate}
 * @param anchorGrace     how long after a run's end the anchors delete its topic or stream; 0: serve's
 *                        {@code run.topic.delete.after.ms} from {@code serveConfig}, else 30 s
 * @param seed            the seed of the arrival schedule
 */
public record ScaleSettings(boolean soak, int runs, double rate, int tokenRuns, Duration tokenInterval,
        int readerPercent, int longRuns, Duration longInterval, Duration phase, int pollRate,
        Duration sampleInterval, int checkEvery, Duration checkAfter, int maxInFlight, String serveHeap,
        String serveConfig, String serveJar, String scenarios, boolean anchors, int anchorRuns,
        Duration anchorGrace, int seed) {

    static final String DELETE_AFTER_CONFIG = "run.topic.delete.after.ms";
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    public ScaleSettings {
        requirePositive("runs", runs);
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be positive, was " + rate);
        }
        requireAtLeastZero("tokenRuns", tokenRuns);
        requireAtLeastZero("longRuns", longRuns);
        if (readerPercent < 0 || readerPercent > 100) {
            throw new IllegalArgumentException("readerPercent must be 0 to 100, was " + readerPercent);
        }
        requirePositive("pollRate", pollRate);
        requirePositive("checkEvery", checkEvery);
        requirePositive("maxInFlight", maxInFlight);
        requireAtLeastZero("anchorRuns", anchorRuns);
        if (scenarioList(scenarios).isEmpty()) {
            throw new IllegalArgumentException("scenarios must name at least one corpus scenario");
        }
        for (Duration d : List.of(tokenInterval, longInterval, phase, sampleInterval, checkAfter, anchorGrace)) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative, was " + d);
            }
        }
        serveConfig(serveConfig);
    }

    /** A few minutes on two cores, anchors included. */
    public static ScaleSettings quick() {
        return new ScaleSettings(false, 600, 20, 200, Duration.ofMillis(30), 10, 50, Duration.ofMillis(100),
                Duration.ofSeconds(20), 20, Duration.ofSeconds(5), 50, Duration.ofSeconds(5), 64, "1g", "", "",
                "agent-text,agent-text,agent-text,agent-tool", true, 400, Duration.ZERO, 42);
    }

    /** The soak: a million short runs at 200 runs/s (about 85 minutes), sampled every 30 s. */
    public static ScaleSettings soakDefaults() {
        return new ScaleSettings(true, 1_000_000, 200, 0, Duration.ofMillis(30), 1, 0, Duration.ofMillis(100),
                Duration.ZERO, 20, Duration.ofSeconds(30), 1000, Duration.ofSeconds(10), 256, "1g", "", "",
                "agent-text,agent-text,agent-text,agent-tool", false, 0, Duration.ZERO, 42);
    }

    /** The corpus scenarios of arriving runs, in turn. */
    public List<String> scenarioList() {
        return scenarioList(scenarios);
    }

    /** {@code serveConfig} as settings, in order. */
    public Map<String, String> serveConfigMap() {
        return serveConfig(serveConfig);
    }

    /** How long after its end a sampled run is checked: {@code checkAfter}, at most a third of the delete grace. */
    public Duration effectiveCheckAfter() {
        String deleteAfter = serveConfigMap().get(DELETE_AFTER_CONFIG);
        if (deleteAfter == null) {
            return checkAfter;
        }
        Duration third = Duration.ofMillis(Long.parseLong(deleteAfter.trim()) / 3);
        return checkAfter.compareTo(third) > 0 ? third : checkAfter;
    }

    /** How long the anchors keep a finished run's topic or stream. */
    public Duration effectiveAnchorGrace() {
        if (!anchorGrace.isZero()) {
            return anchorGrace;
        }
        String deleteAfter = serveConfigMap().get(DELETE_AFTER_CONFIG);
        return deleteAfter == null ? DEFAULT_GRACE : Duration.ofMillis(Long.parseLong(deleteAfter.trim()));
    }

    /** Whether {@code name} is one of these settings. */
    public static boolean has(String name) {
        return Arrays.stream(ScaleSettings.class.getRecordComponents()).anyMatch(c -> c.getName().equals(name));
    }

    /**
     * These settings with one changed by name: numbers, {@code true}/{@code false}, text, durations in milliseconds.
     *
     * @throws IllegalArgumentException naming the setting when there is none of that name or the value does not fit
     */
    public ScaleSettings with(String name, String value) {
        RecordComponent[] components = ScaleSettings.class.getRecordComponents();
        Object[] values = new Object[components.length];
        boolean found = false;
        try {
            for (int i = 0; i < components.length; i++) {
                values[i] = components[i].getAccessor().invoke(this);
                if (components[i].getName().equals(name)) {
                    found = true;
                    values[i] = parse(components[i].getType(), value);
                }
            }
            if (!found) {
                throw new IllegalArgumentException("no setting '" + name + "'");
            }
            Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            return ScaleSettings.class.getDeclaredConstructor(types).newInstance(values);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + name + "': '" + value + "' is not a number", e);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof IllegalArgumentException bad ? bad : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every setting by name, durations in milliseconds: for the JSON results. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent component : ScaleSettings.class.getRecordComponents()) {
            try {
                Object value = component.getAccessor().invoke(this);
                out.put(value instanceof Duration ? component.getName() + "Ms" : component.getName(),
                        value instanceof Duration d ? d.toMillis() : value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private static Object parse(Class<?> type, String value) {
        String v = value.trim();
        if (type == int.class) {
            return Integer.parseInt(v.replace("_", ""));
        } else if (type == double.class) {
            return Double.parseDouble(v);
        } else if (type == Duration.class) {
            return Duration.ofMillis(Long.parseLong(v.replace("_", "")));
        } else if (type == boolean.class) {
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("'" + value + "' is not true or false");
            }
            return Boolean.parseBoolean(v);
        }
        return value;
    }

    private static List<String> scenarioList(String scenarios) {
        return Arrays.stream(scenarios.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static Map<String, String> serveConfig(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("serveConfig: '" + item + "' is not KEY=VALUE");
            }
            out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return out;
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    private static void requireAtLeastZero(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }
}
