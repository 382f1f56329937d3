package dev.runstream.core;

import java.util.Optional;

/**
 * A chunk could not be read: not JSON, not an object, or an envelope field of the wrong type. Names the run
 * (when known), the field and the reason, so that a caller can report the one bad chunk and go on with the others.
 */
public final class ChunkDecodeException extends RunstreamException {

    private final String runId;
    private final String field;
    private final String reason;

    public ChunkDecodeException(String runId, String field, String reason) {
        this(runId, field, reason, null);
    }

    public ChunkDecodeException(String runId, String field, String reason, Throwable cause) {
        super(describe(runId, field, reason), cause);
        this.runId = runId;
        this.field = field;
        this.reason = reason;
    }

    private static String describe(String runId, String field, String reason) {
        StringBuilder message = new StringBuilder("invalid chunk");
        if (runId != null) {
            message.append(" of run '").append(runId).append('\'');
        }
        if (field != null) {
            message.append(", field '").append(field).append('\'');
        }
        return message.append(": ").append(reason).toString();
    }

    /** The run the chunk claimed or was attributed to, if known. */
    public Optional<String> runId() {
        return Optional.ofNullable(runId);
    }

    /** The offending field (a JSON path such as {@code payload.text}), if one field is to blame. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** Why the chunk was refused, without the run and field. */
    public String reason() {
        return reason;
    }
}
