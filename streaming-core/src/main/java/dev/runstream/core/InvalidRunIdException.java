package dev.runstream.core;

/** A run id that cannot name a run: it becomes part of a Kafka topic name, so it is refused, never rewritten. */
public final class InvalidRunIdException extends RunstreamException {

    private final String runId;

    public InvalidRunIdException(String runId, String reason) {
        super("invalid run id '" + RunIds.printable(runId) + "': " + reason);
        this.runId = runId;
    }

    /** The refused id, exactly as given. */
    public String runId() {
        return runId;
    }
}
