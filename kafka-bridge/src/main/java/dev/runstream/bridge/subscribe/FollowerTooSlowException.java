package dev.runstream.bridge.subscribe;

import dev.runstream.core.RunstreamException;

/**
 * A follower of a live run fell so far behind that the chunks it had not read yet left the run's in-memory window:
 * it is cut rather than let memory grow. It can follow again from the last sequence it read.
 */
public final class FollowerTooSlowException extends RunstreamException {

    private final String runId;
    private final long nextSequence;

    public FollowerTooSlowException(String runId, long nextSequence, int window) {
        super("run '" + runId + "': the reader fell more than " + window + " chunks behind; chunk " + nextSequence
                + " is no longer held in memory. Follow again from sequence " + nextSequence + ".");
        this.runId = runId;
        this.nextSequence = nextSequence;
    }

    public String runId() {
        return runId;
    }

    /** The first sequence this follower had not read. */
    public long nextSequence() {
        return nextSequence;
    }
}
