package dev.runstream.bridge.subscribe;

import dev.runstream.core.RunstreamException;

/** A followed run's topic was deleted (the run had ended): follow it again to read its persisted chunks. */
public class RunTopicGoneException extends RunstreamException {

    private static final long serialVersionUID = 1L;

    public RunTopicGoneException(String runId) {
        super("run '" + runId + "': its topic was deleted after the run ended; its persisted chunks are read from "
                + "the changelog when it is followed again");
    }
}
