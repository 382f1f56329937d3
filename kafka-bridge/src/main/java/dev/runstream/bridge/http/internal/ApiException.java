package dev.runstream.bridge.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.core.RunstreamException;

/** A request the bridge refuses, with the HTTP status, a stable code and the details of the one JSON error shape. */
public final class ApiException extends RunstreamException {

    private final int status;
    private final String code;
    private final transient JsonNode details;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public ApiException(int status, String code, String message, JsonNode details) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Structured details, or null. */
    public JsonNode details() {
        return details;
    }
}
