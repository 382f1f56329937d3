package dev.runstream.bridge.subscribe;

/**
 * Where a subscription to one run starts: its first chunk, a given sequence number, or only what comes next.
 *
 * @param sequence the first sequence number delivered; {@code -1} for live only
 */
public record StartPosition(long sequence) {

    public static final StartPosition BEGINNING = new StartPosition(0);
    public static final StartPosition LIVE = new StartPosition(-1);

    public StartPosition {
        if (sequence < -1) {
            throw new IllegalArgumentException("a start sequence is >= 0 (or -1 for live), was " + sequence);
        }
    }

    public static StartPosition fromSequence(long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("a start sequence is >= 0, was " + sequence);
        }
        return new StartPosition(sequence);
    }

    public boolean isLive() {
        return sequence < 0;
    }
}
