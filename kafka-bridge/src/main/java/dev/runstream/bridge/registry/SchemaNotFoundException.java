package dev.runstream.bridge.registry;

/** The subject, version or schema id does not exist (Confluent 40401 subject, 40402 version, 40403 schema). */
public class SchemaNotFoundException extends SchemaRegistryException {

    public SchemaNotFoundException(String message, int errorCode) {
        super(message, errorCode, null);
    }

    public SchemaNotFoundException(String message, int errorCode, Throwable cause) {
        super(message, errorCode, cause);
    }
}
