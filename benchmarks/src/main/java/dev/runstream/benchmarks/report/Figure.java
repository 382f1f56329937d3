package dev.runstream.benchmarks.report;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One measured figure of Runstream beside its raw-Kafka anchor from the same run on the same broker.
 *
 * @param benchmark which benchmark (e.g. {@code publish 100 runs})
 * @param metric    what was measured (e.g. {@code chunks/s})
 * @param runstream Runstream's figure; empty when it was not measured (see {@code note})
 * @param raw       raw Kafka's figure; empty when there is no anchor
 * @param target    the goal, if any
 * @param note      what each side did, or why the figure is missing
 */
public record Figure(String benchmark, String metric, OptionalDouble runstream, OptionalDouble raw, Target target,
        String note) {

    public Figure {
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(runstream, "runstream");
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(note, "note");
    }

    public static Figure of(String benchmark, String metric, double runstream, double raw, Target target,
            String note) {
        return new Figure(benchmark, metric, OptionalDouble.of(runstream), OptionalDouble.of(raw), target, note);
    }

    public static Figure withoutAnchor(String benchmark, String metric, double runstream, Target target,
            String note) {
        return new Figure(benchmark, metric, OptionalDouble.of(runstream), OptionalDouble.empty(), target, note);
    }

    /** A figure that could not be measured in this run, and why. */
    public static Figure todo(String benchmark, String metric, Target target, String why) {
        return new Figure(benchmark, metric, OptionalDouble.empty(), OptionalDouble.empty(), target, "TODO: " + why);
    }

    /** Runstream's figure over raw Kafka's, when both were measured and raw's is not zero. */
    public OptionalDouble ratio() {
        if (runstream.isEmpty() || raw.isEmpty() || raw.getAsDouble() == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(runstream.getAsDouble() / raw.getAsDouble());
    }

    public boolean isMeasured() {
        return runstream.isPresent();
    }

    /** {@code met}, {@code MISSED}, {@code todo}, or empty when there is no target. */
    public String verdict() {
        if (!isMeasured()) {
            return "todo";
        }
        if (target instanceof Target.None) {
            return "";
        }
        return target.isMet(this) ? "met" : "MISSED";
    }

    /** A number as the table shows it: grouped integers from 100 up, else three significant digits. */
    public static String format(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return String.valueOf(value);
        }
        double abs = Math.abs(value);
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value).replace(',', ' ');
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (abs >= 1 || abs == 0) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
