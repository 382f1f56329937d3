package dev.runstream.bridge.registry;

/** The schema breaks the subject's compatibility rule against its registered versions (HTTP 409). */
public class IncompatibleSchemaException extends SchemaRegistryException {

    public IncompatibleSchemaException(String message, int errorCode) {
        super(message, errorCode, null);
    }

    public IncompatibleSchemaException(String message, int errorCode, Throwable cause) {
        super(message, errorCode, cause);
    }
}
