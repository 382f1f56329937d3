package dev.runstream.bridge.serde;

import dev.runstream.core.RunstreamException;

/** Bytes that are not a Confluent wire-format frame, or a frame that cannot be built. */
public class WireFormatException extends RunstreamException {

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    public WireFormatException(String message) {
        super(message);
    }
}
