package dev.runstream.bridge.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.RunIds;
import dev.runstream.core.fold.CancelRequest;
import dev.runstream.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A record of {@code {prefix}.run-control} ({@link RunTopics#runControl()}): keyed by the run id, its value UTF-8
 * JSON {@code {"type":"cancel","runId","cancelId","requestedBy","requestedAt","reason"}} ({@code requestedAt} in
 * ISO-8601). JSON rather than Avro: it is Runstream's own instruction to writers, not a run's data, and any client
 * reads it without a registry. Readers skip types they do not know, so new instructions can be added.
 */
public final class ControlRecord {

    public static final String TYPE_CANCEL = "cancel";

    private ControlRecord() {
    }

    /** The value of a cancel request for {@code runId}. */
    public static byte[] cancelValue(String runId, CancelRequest request) {
        ObjectNode json = Json.object();
        json.put("type", TYPE_CANCEL);
        json.put("runId", runId);
        json.put("cancelId", request.cancelId());
        json.put("requestedBy", request.requestedBy());
        json.put("requestedAt", request.requestedAt().toString());
        json.put("reason", request.reason());
        return Json.write(json).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The cancel request a record holds, checked against its key.
     *
     * @throws IllegalArgumentException naming the run and the field when the record is not a cancel request of the
     *                                  run its key names
     */
    public static CancelRequest cancelRequest(String key, byte[] value) {
        if (!RunIds.isValid(key)) {
            throw new IllegalArgumentException("a run-control record's key must be a run id, was "
                    + (key == null ? "missing" : "'" + key.replaceAll("[^\\x20-\\x7E]", "?") + "'"));
        }
        if (value == null) {
            throw new IllegalArgumentException("run '" + key + "': the run-control record has no value");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(value);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("run '" + key + "': the run-control record is not JSON: "
                    + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("run '" + key + "': the run-control record is not a JSON object");
        }
        String type = text(key, json, "type");
        if (!TYPE_CANCEL.equals(type)) {
            throw new IllegalArgumentException("run '" + key + "': field type is '" + type + "', not 'cancel'");
        }
        String runId = text(key, json, "runId");
        if (!runId.equals(key)) {
            throw new IllegalArgumentException("run '" + key + "': field runId holds another run, '" + runId + "'");
        }
        Instant at;
        try {
            at = Instant.parse(text(key, json, "requestedAt"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("run '" + key + "': field requestedAt is not an ISO-8601 instant");
        }
        return new CancelRequest(text(key, json, "cancelId"), text(key, json, "requestedBy"), at,
                json.path("reason").asText(""));
    }

    private static String text(String runId, JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException("run '" + runId + "': field " + field + " of the run-control record "
                    + (node == null ? "is missing" : "is not a string"));
        }
        return node.asText();
    }
}
