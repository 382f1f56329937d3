package dev.runstream.bridge.publish;

import dev.runstream.core.RunstreamException;

/**
 * A run broken by a failed chunk could not be resumed now (its topic could not be read, or not within the wait): the
 * chunk was not written, and writing it again later, at the same position, may succeed.
 */
public final class RunResumeException extends RunstreamException {

    private final String runId;

    public RunResumeException(String runId, String reason, Throwable cause) {
        super("run '" + runId + "' cannot be resumed now: " + reason + "; retry", cause);
        this.runId = runId;
    }

    public String runId() {
        return runId;
    }
}
