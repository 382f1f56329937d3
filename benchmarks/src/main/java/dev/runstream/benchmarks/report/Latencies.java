package dev.runstream.benchmarks.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latencies recorded from any thread, in microseconds with three significant digits (HdrHistogram), read back in
 * milliseconds.
 */
public final class Latencies {

    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final Histogram histogram = new ConcurrentHistogram(MAX_MICROS, 3);

    /** Records one latency given in nanoseconds; negative ones count as zero, longer than 10 min as 10 min. */
    public void recordNanos(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        histogram.recordValue(Math.min(micros, MAX_MICROS));
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /** The {@code percentile} (0–100) in milliseconds; 0 when nothing was recorded. */
    public double percentileMillis(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1_000.0;
    }

    public double maxMillis() {
        return histogram.getMaxValue() / 1_000.0;
    }

    public double meanMillis() {
        return histogram.getMean() / 1_000.0;
    }

    /** count, mean, p50, p90, p99, p99.9 and max, in milliseconds. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("count", count());
        node.put("meanMs", meanMillis());
        node.put("p50Ms", percentileMillis(50));
        node.put("p90Ms", percentileMillis(90));
        node.put("p99Ms", percentileMillis(99));
        node.put("p999Ms", percentileMillis(99.9));
        node.put("maxMs", maxMillis());
        return node;
    }
}
