package dev.runstream.benchmarks.scale;

import java.util.OptionalDouble;

/** The heap in use from a Prometheus text exposition: the sum of {@code jvm_memory_used_bytes{area="heap",...}}. */
public final class PrometheusHeap {

    private static final String METRIC = "jvm_memory_used_bytes{";

    private PrometheusHeap() {
    }

    /** The heap in use in bytes, or empty when the text has no such sample. */
    public static OptionalDouble usedBytes(String exposition) {
        double sum = 0;
        boolean found = false;
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(METRIC)) {
                continue;
            }
            int close = line.indexOf('}');
            if (close < 0 || !line.substring(METRIC.length(), close).contains("area=\"heap\"")) {
                continue;
            }
            String[] rest = line.substring(close + 1).trim().split("\\s+");
            try {
                sum += Double.parseDouble(rest[0]);
                found = true;
            } catch (NumberFormatException e) {
                // Not a sample value (e.g. NaN written differently): the line is skipped.
            }
        }
        return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
    }
}
