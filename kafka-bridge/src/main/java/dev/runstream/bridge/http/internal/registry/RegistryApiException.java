package dev.runstream.bridge.http.internal.registry;

import dev.runstream.core.RunstreamException;

/**
 * A registry API request refused with Confluent's HTTP status and {@code error_code}; the factories give
 * Confluent's messages for the codes its clients act on.
 */
public final class RegistryApiException extends RunstreamException {

    private final int status;
    private final int errorCode;

    public RegistryApiException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    static RegistryApiException subjectNotFound(String subject) {
        return new RegistryApiException(404, 40401, "Subject '" + subject + "' not found.");
    }

    static RegistryApiException versionNotFound(int version) {
        return new RegistryApiException(404, 40402, "Version " + version + " not found.");
    }

    static RegistryApiException schemaNotFound() {
        return new RegistryApiException(404, 40403, "Schema not found");
    }

    static RegistryApiException schemaNotFound(int id) {
        return new RegistryApiException(404, 40403, "Schema " + id + " not found");
    }

    static RegistryApiException subjectCompatibilityNotConfigured(String subject) {
        return new RegistryApiException(404, 40408,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    static RegistryApiException invalidSchema(String reason) {
        return new RegistryApiException(422, 42201, reason);
    }

    static RegistryApiException invalidVersion(String version) {
        return new RegistryApiException(422, 42202, "The specified version '" + version + "' is not a valid version id. "
                + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static RegistryApiException invalidCompatibilityLevel() {
        return new RegistryApiException(422, 42203, "Invalid compatibility level. Valid values are none, backward, "
                + "forward, full, backward_transitive, forward_transitive, and full_transitive");
    }

    static RegistryApiException operationNotPermitted(String reason) {
        return new RegistryApiException(422, 42205, reason);
    }

    static RegistryApiException incompatible(String subject, java.util.List<String> violations) {
        return new RegistryApiException(409, 409, "Schema being registered is incompatible with an earlier schema for "
                + "subject \"" + subject + "\", details: " + violations);
    }
}
