package dev.runstream.bridge.registry;

/** The registry could not be reached or kept failing (I/O errors, timeouts, 5xx) after the bounded retries: retriable later. */
public class SchemaRegistryUnavailableException extends SchemaRegistryException {

    public SchemaRegistryUnavailableException(String message, int errorCode) {
        super(message, errorCode, null);
    }

    public SchemaRegistryUnavailableException(String message, int errorCode, Throwable cause) {
        super(message, errorCode, cause);
    }
}
