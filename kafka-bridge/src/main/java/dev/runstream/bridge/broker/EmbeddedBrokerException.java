package dev.runstream.bridge.broker;

import dev.runstream.core.RunstreamException;

/** The embedded broker could not format its storage, start, or stop. */
public class EmbeddedBrokerException extends RunstreamException {

    public EmbeddedBrokerException(String message) {
        super(message);
    }

    public EmbeddedBrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
