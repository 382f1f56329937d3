package dev.runstream.benchmarks.scale;

import java.util.List;

/**
 * Whether a resource stayed flat over a long run: the maximum of the last third of the samples against the maximum
 * of the middle third (the first third is warm-up), with a relative tolerance and an absolute slack.
 *
 * @param middleMax the middle third's maximum
 * @param lastMax   the last third's maximum
 * @param flat      whether {@code lastMax <= middleMax * (1 + tolerance) + slack}
 * @param samples   the samples judged (those below zero, unreadable, are left out)
 */
public record Flatness(double middleMax, double lastMax, boolean flat, int samples) {

    /** Judges {@code values}; with fewer than three readable samples, flat by default. */
    public static Flatness of(List<? extends Number> values, double tolerance, double slack) {
        List<Double> readable = values.stream().map(Number::doubleValue).filter(v -> v >= 0).toList();
        int n = readable.size();
        if (n < 3) {
            return new Flatness(0, 0, true, n);
        }
        double middle = max(readable.subList(n / 3, 2 * n / 3));
        double last = max(readable.subList(2 * n / 3, n));
        return new Flatness(middle, last, last <= middle * (1 + tolerance) + slack, n);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
