package dev.runstream.benchmarks.report;

/** The goal a figure is held against (the targets; goals, not assertions). */
public sealed interface Target {

    /** Whether {@code figure} meets this target; true when there is nothing to meet. */
    boolean isMet(Figure figure);

    /** How the target reads in the table, e.g. {@code ≥ 0.9× raw}. */
    String describe();

    static Target none() {
        return None.INSTANCE;
    }

    /** Runstream's figure divided by raw Kafka's is at least {@code ratio} (throughputs). */
    static Target ratioAtLeast(double ratio) {
        return new RatioAtLeast(ratio);
    }

    /** Runstream's figure divided by raw Kafka's is at most {@code ratio} (latencies). */
    static Target ratioAtMost(double ratio) {
        return new RatioAtMost(ratio);
    }

    /** Runstream's figure is at most {@code limit}, in the figure's unit. */
    static Target atMost(double limit) {
        return new AtMost(limit);
    }

    /** Runstream's figure is at least {@code floor}, in the figure's unit. */
    static Target atLeast(double floor) {
        return new AtLeast(floor);
    }

    enum None implements Target {
        INSTANCE;

        @Override
        public boolean isMet(Figure figure) {
            return true;
        }

        @Override
        public String describe() {
            return "";
        }
    }

    record RatioAtLeast(double ratio) implements Target {
        @Override
        public boolean isMet(Figure figure) {
            return figure.ratio().isPresent() && figure.ratio().getAsDouble() >= ratio;
        }

        @Override
        public String describe() {
            return "≥ " + Figure.format(ratio) + "× raw";
        }
    }

    record RatioAtMost(double ratio) implements Target {
        @Override
        public boolean isMet(Figure figure) {
            return figure.ratio().isPresent() && figure.ratio().getAsDouble() <= ratio;
        }

        @Override
        public String describe() {
            return "≤ " + Figure.format(ratio) + "× raw";
        }
    }

    record AtMost(double limit) implements Target {
        @Override
        public boolean isMet(Figure figure) {
            return figure.runstream().isPresent() && figure.runstream().getAsDouble() <= limit;
        }

        @Override
        public String describe() {
            return "≤ " + Figure.format(limit);
        }
    }

    record AtLeast(double floor) implements Target {
        @Override
        public boolean isMet(Figure figure) {
            return figure.runstream().isPresent() && figure.runstream().getAsDouble() >= floor;
        }

        @Override
        public String describe() {
            return "≥ " + Figure.format(floor);
        }
    }
}
