package dev.runstream.core;

/** A chunk arrived with a sequence number other than the one its run expected next. */
public final class OutOfOrderChunkException extends RunstreamException {

    private final String runId;
    private final long expected;
    private final long actual;

    public OutOfOrderChunkException(String runId, long expected, long actual) {
        super("run '" + runId + "': expected chunk sequence " + expected + " but got " + actual);
        this.runId = runId;
        this.expected = expected;
        this.actual = actual;
    }

    public String runId() {
        return runId;
    }

    public long expected() {
        return expected;
    }

    public long actual() {
        return actual;
    }
}
