package dev.runstream.benchmarks.scale;

import java.util.SplittableRandom;

/**
 * The arrival times of a Poisson process: gaps drawn from an exponential distribution of mean {@code 1 / rate},
 * from a seed, so that two sides of a comparison get the same schedule.
 */
public final class PoissonSchedule {

    private final double meanGapNanos;
    private final SplittableRandom random;
    private double next;

    /** Arrivals at {@code ratePerSecond} on average, the first one a gap after time 0. */
    public PoissonSchedule(double ratePerSecond, long seed) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive, was " + ratePerSecond);
        }
        this.meanGapNanos = 1e9 / ratePerSecond;
        this.random = new SplittableRandom(seed);
    }

    /** The next arrival, in nanoseconds after time 0; never earlier than the one before. */
    public long nextArrivalNanos() {
        // 1 - u lies in (0, 1]: the logarithm is finite.
        next += -Math.log(1.0 - random.nextDouble()) * meanGapNanos;
        return (long) next;
    }
}
