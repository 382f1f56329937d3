package dev.runstream.bridge.registry;

import dev.runstream.core.RunstreamException;

/**
 * A schema registry refused or failed a request. Subtypes say what a caller can do about it; the
 * {@link #errorCode()} is the registry's own code where it gave one (Confluent's {@code error_code}, e.g.
 * 40401), else the HTTP status, else 0.
 */
public class SchemaRegistryException extends RunstreamException {

    private final int errorCode;

    public SchemaRegistryException(String message, int errorCode, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    public int errorCode() {
        return errorCode;
    }
}
