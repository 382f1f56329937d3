package dev.runstream.bridge.reliability;

/**
 * How hard the reliability tests push. {@code mvn verify} runs a short variant of each; {@code mvn verify
 * -Preliability} sets {@code runstream.reliability=long} and they run more rounds, runs and chunks.
 */
final class Reliability {

    /** Whether the long variants run ({@code -Preliability}). */
    static final boolean LONG = "long".equals(System.getProperty("runstream.reliability"));

    private Reliability() {
    }

    /** {@code shortValue} in the default build, {@code longValue} under {@code -Preliability}. */
    static int scale(int shortValue, int longValue) {
        return LONG ? longValue : shortValue;
    }
}
