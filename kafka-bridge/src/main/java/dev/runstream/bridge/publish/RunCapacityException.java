package dev.runstream.bridge.publish;

import dev.runstream.core.RunstreamException;

/** A run was not started because Runstream is near a limit it can see coming; retriable once runs have ended. */
public class RunCapacityException extends RunstreamException {

    private static final long serialVersionUID = 1L;

    public RunCapacityException(String message) {
        super(message);
    }
}
