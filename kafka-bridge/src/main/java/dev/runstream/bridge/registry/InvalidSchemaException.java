package dev.runstream.bridge.registry;

/** The registry rejected the schema or request as invalid (HTTP 422, e.g. 42201), or returned a schema that is not Avro. */
public class InvalidSchemaException extends SchemaRegistryException {

    public InvalidSchemaException(String message, int errorCode) {
        super(message, errorCode, null);
    }

    public InvalidSchemaException(String message, int errorCode, Throwable cause) {
        super(message, errorCode, cause);
    }
}
