package dev.runstream.bridge.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.avro.ChunkRecord;
import dev.runstream.avro.DataBody;
import dev.runstream.avro.ErrorBody;
import dev.runstream.avro.FinishBody;
import dev.runstream.avro.GenericBody;
import dev.runstream.avro.ObjectBody;
import dev.runstream.avro.RunStartBody;
import dev.runstream.avro.StepResult;
import dev.runstream.avro.StepStartBody;
import dev.runstream.avro.TextBody;
import dev.runstream.avro.ToolCallBody;
import dev.runstream.avro.ToolErrorBody;
import dev.runstream.avro.ToolInputDeltaBody;
import dev.runstream.avro.ToolOutputBody;
import dev.runstream.avro.ToolResultBody;
import dev.runstream.avro.WorkflowFinishBody;
import dev.runstream.avro.WorkflowStartBody;
import dev.runstream.avro.WorkflowStepBody;
import dev.runstream.avro.WorkflowStepOutputBody;
import dev.runstream.bridge.avro.internal.BodyFields;
import dev.runstream.core.chunk.Chunk;
import dev.runstream.core.chunk.StoredChunk;
import dev.runstream.core.json.Json;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The one mapping between a chunk and its Avro {@link ChunkRecord}, both ways, by the rules in ChunkRecord's schema
 * doc: a typed body when the chunk conforms to its type's record, else the lossless {@link GenericBody}. For every
 * chunk, {@code toStoredChunk(toRecord(c))} has the same JSON value as {@code c}.
 */
public final class ChunkRecordMapper {

    private static final BodyFields FIELDS = new BodyFields(Map.of(
            StepResult.getClassSchema().getFullName(), StepResult::new,
            dev.runstream.avro.Usage.getClassSchema().getFullName(), dev.runstream.avro.Usage::new));

    private static final Set<String> ENVELOPE = Set.of("type", "runId", "from", "transient", "payload");
    private static final Set<String> FINISH_OUTPUT_FIELDS = Set.of("usage", "outputText");
    private static final Set<String> WORKFLOW_FINISH_OUTPUT_FIELDS = Set.of("usage");

    private static final Map<String, Supplier<SpecificRecordBase>> PAYLOAD_BODIES = Map.ofEntries(
            Map.entry("start", RunStartBody::new),
            Map.entry("step-start", StepStartBody::new),
            Map.entry("error", ErrorBody::new),
            Map.entry("text-start", TextBody::new), Map.entry("text-delta", TextBody::new),
            Map.entry("text-end", TextBody::new), Map.entry("reasoning-start", TextBody::new),
            Map.entry("reasoning-delta", TextBody::new), Map.entry("reasoning-end", TextBody::new),
            Map.entry("tool-call", ToolCallBody::new), Map.entry("tool-call-input-streaming-start", ToolCallBody::new),
            Map.entry("tool-call-input-streaming-end", ToolCallBody::new),
            Map.entry("tool-call-approval", ToolCallBody::new), Map.entry("tool-call-suspended", ToolCallBody::new),
            Map.entry("tool-output-denied", ToolCallBody::new),
            Map.entry("tool-call-delta", ToolInputDeltaBody::new),
            Map.entry("tool-result", ToolResultBody::new),
            Map.entry("tool-error", ToolErrorBody::new),
            Map.entry("tool-output", ToolOutputBody::new),
            Map.entry("workflow-step-start", WorkflowStepBody::new),
            Map.entry("workflow-step-result", WorkflowStepBody::new),
            Map.entry("workflow-step-suspended", WorkflowStepBody::new),
            Map.entry("workflow-step-waiting", WorkflowStepBody::new),
            Map.entry("workflow-step-progress", WorkflowStepBody::new),
            Map.entry("workflow-step-finish", WorkflowStepBody::new),
            Map.entry("workflow-step-output", WorkflowStepOutputBody::new),
            Map.entry("workflow-start", WorkflowStartBody::new));

    private ChunkRecordMapper() {
    }

    /** The record of a stored chunk. */
    public static ChunkRecord toRecord(StoredChunk stored) {
        Chunk chunk = stored.chunk();
        ObjectNode top = BodyFields.shallowCopy((ObjectNode) chunk.json());
        ChunkRecord record = new ChunkRecord();
        record.setRunId(stored.runId());
        record.setSequence(stored.sequence());
        record.setTimestamp(stored.timestamp());
        record.setType(chunk.type());
        top.remove("type");
        JsonNode runId = top.get("runId");
        if (runId != null && runId.isTextual() && runId.textValue().equals(stored.runId())) {
            record.setCarriesRunId(true);
            top.remove("runId");
        }
        JsonNode from = top.get("from");
        if (from != null && from.isTextual()) {
            record.setFrom(from.textValue());
            top.remove("from");
        }
        JsonNode isTransient = top.get("transient");
        if (isTransient != null && isTransient.isBoolean() && isTransient.booleanValue()) {
            record.setTransient$(true);
            top.remove("transient");
        }
        record.setBody(body(chunk.type(), top));
        if (!top.isEmpty()) {
            record.setExtraJson(Json.write(top));
        }
        return record;
    }

    /** The body of a chunk; the keys it reads are removed from {@code top}, so what is left is the extra. */
    private static Object body(String type, ObjectNode top) {
        JsonNode payload = top.get("payload");
        if (payload == null && (type.startsWith("data-") || type.equals("object") || type.equals("object-result"))) {
            return topLevelBody(type, top);
        }
        if (payload instanceof ObjectNode payloadObject) {
            SpecificRecordBase typed = typedBody(type, BodyFields.shallowCopy(payloadObject));
            if (typed != null) {
                top.remove("payload");
                return typed;
            }
        }
        GenericBody generic = new GenericBody();
        if (payload != null) {
            generic.setPayloadJson(Json.write(payload));
            top.remove("payload");
        }
        return generic;
    }

    private static Object topLevelBody(String type, ObjectNode top) {
        if (type.startsWith("data-")) {
            JsonNode id = top.get("id");
            if (id != null && !id.isTextual()) {
                return new GenericBody();
            }
            DataBody data = new DataBody();
            data.setId(id == null ? null : id.textValue());
            JsonNode value = top.remove("data");
            data.setDataJson(value == null ? null : Json.write(value));
            top.remove("id");
            return data;
        }
        ObjectBody object = new ObjectBody();
        JsonNode value = top.remove("object");
        object.setObjectJson(value == null ? null : Json.write(value));
        return object;
    }

    private static SpecificRecordBase typedBody(String type, ObjectNode payload) {
        return switch (type) {
            case "step-finish", "finish" -> withOutput(new FinishBody(), payload, FINISH_OUTPUT_FIELDS);
            case "workflow-finish" -> withOutput(new WorkflowFinishBody(), payload, WORKFLOW_FINISH_OUTPUT_FIELDS);
            default -> {
                Supplier<SpecificRecordBase> factory = PAYLOAD_BODIES.get(type);
                if (factory == null) {
                    yield null;
                }
                SpecificRecordBase body = factory.get();
                yield FIELDS.fill(body, payload, Set.of()) ? body : null;
            }
        };
    }

    /** Finish bodies: {@code output.usage} (and {@code output.text}) go to fields, the rest of output stays. */
    private static SpecificRecordBase withOutput(SpecificRecordBase body, ObjectNode payload, Set<String> outputFields) {
        JsonNode output = payload.get("output");
        if (output instanceof ObjectNode chunkOutput) {
            ObjectNode outputObject = BodyFields.shallowCopy(chunkOutput);
            payload.set("output", outputObject);
            JsonNode usage = outputObject.get("usage");
            if (usage != null) {
                dev.runstream.avro.Usage avroUsage = new dev.runstream.avro.Usage();
                if (!usage.isObject() || !FIELDS.fill(avroUsage, BodyFields.shallowCopy((ObjectNode) usage),
                        Set.of())) {
                    return null;
                }
                body.put("usage", avroUsage);
                outputObject.remove("usage");
            }
            if (outputFields.contains("outputText") && outputObject.has("text")) {
                JsonNode text = outputObject.get("text");
                if (!text.isTextual()) {
                    return null;
                }
                body.put("outputText", text.textValue());
                outputObject.remove("text");
            }
        }
        return FIELDS.fill(body, payload, outputFields) ? body : null;
    }

    /** The chunk of a record, with its run, sequence and timestamp. */
    public static StoredChunk toStoredChunk(ChunkRecord record) {
        ObjectNode json = Json.object();
        json.put("type", record.getType());
        if (record.getCarriesRunId()) {
            json.put("runId", record.getRunId());
        }
        if (record.getFrom() != null) {
            json.put("from", record.getFrom());
        }
        if (record.getTransient$()) {
            json.put("transient", true);
        }
        Object body = record.getBody();
        switch (body) {
            case DataBody data -> {
                if (data.getId() != null) {
                    json.put("id", data.getId());
                }
                if (data.getDataJson() != null) {
                    json.set("data", BodyFields.parse(data.getDataJson()));
                }
            }
            case ObjectBody object -> {
                if (object.getObjectJson() != null) {
                    json.set("object", BodyFields.parse(object.getObjectJson()));
                }
            }
            case GenericBody generic -> {
                if (generic.getPayloadJson() != null) {
                    json.set("payload", BodyFields.parse(generic.getPayloadJson()));
                }
            }
            case FinishBody finish -> json.set("payload", finishPayload(finish, FINISH_OUTPUT_FIELDS));
            case WorkflowFinishBody finish -> json.set("payload", finishPayload(finish, WORKFLOW_FINISH_OUTPUT_FIELDS));
            case SpecificRecordBase typed -> json.set("payload", FIELDS.toJson(typed, Set.of()));
            default -> throw new IllegalStateException("unknown body " + body.getClass().getName());
        }
        if (record.getExtraJson() != null) {
            JsonNode extra = BodyFields.parse(record.getExtraJson());
            if (extra instanceof ObjectNode extraObject) {
                BodyFields.mergeInto(json, extraObject);
            }
        }
        return new StoredChunk(record.getRunId(), record.getSequence(), record.getTimestamp(), Chunk.of(json)
                .attributedTo(record.getRunId()));
    }

    private static ObjectNode finishPayload(SpecificRecordBase body, Set<String> outputFields) {
        ObjectNode payload = FIELDS.toJson(body, outputFields);
        Object usage = body.get("usage");
        Object text = outputFields.contains("outputText") ? body.get("outputText") : null;
        if (usage != null || text != null) {
            JsonNode existing = payload.get("output");
            ObjectNode output = existing instanceof ObjectNode object ? object : payload.putObject("output");
            if (text != null) {
                output.put("text", text.toString());
            }
            if (usage != null) {
                output.set("usage", FIELDS.toJson((SpecificRecordBase) usage, Set.of()));
            }
        }
        return payload;
    }

    /** The instant of a record's timestamp (for readers that only need the time). */
    public static Instant timestamp(ChunkRecord record) {
        return record.getTimestamp();
    }
}
