package dev.runstream.bridge.registry;

/** The registry refused the credentials (HTTP 401) or the permission (HTTP 403). */
public class SchemaRegistryAuthException extends SchemaRegistryException {

    public SchemaRegistryAuthException(String message, int errorCode) {
        super(message, errorCode, null);
    }

    public SchemaRegistryAuthException(String message, int errorCode, Throwable cause) {
        super(message, errorCode, cause);
    }
}
