package dev.runstream.bridge.avro.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The schema-driven half of the chunk mapping: moves the keys of a JSON object into the fields of a typed Avro record
 * and back, by the naming rule of ChunkRecord's doc. A field {@code xJson} holds key {@code x} as JSON text; a string,
 * long or boolean field holds key of the same name, which must have that JSON type; a record field holds an object,
 * recursively; {@code extraJson} holds every key no field reads. A key of the wrong JSON type makes the object
 * non-conforming: {@link #fill} then returns {@code false} and the caller falls back to a generic body.
 */
public final class BodyFields {

    private static final String EXTRA = "extraJson";

    private final Map<String, Supplier<? extends SpecificRecordBase>> nestedRecords;

    /** @param nestedRecords how to make the record types that fields may hold, by full name */
    public BodyFields(Map<String, Supplier<? extends SpecificRecordBase>> nestedRecords) {
        this.nestedRecords = nestedRecords;
    }

    /**
     * Moves the keys that {@code record}'s fields (but {@code skipFields}) read out of {@code remaining} into the
     * record; what is left goes to {@code extraJson} when the record has one, else stays in {@code remaining}.
     * Returns false, leaving {@code remaining} partly consumed, when a key has the wrong JSON type.
     */
    public boolean fill(SpecificRecordBase record, ObjectNode remaining, Set<String> skipFields) {
        for (Schema.Field field : record.getSchema().getFields()) {
            String name = field.name();
            if (name.equals(EXTRA) || skipFields.contains(name)) {
                continue;
            }
            JsonNode node = remaining.remove(jsonKey(name));
            if (node == null) {
                continue;
            }
            Object value = toAvro(name, valueSchema(field), node);
            if (value == null) {
                return false;
            }
            record.put(name, value);
        }
        if (!remaining.isEmpty() && record.getSchema().getField(EXTRA) != null) {
            record.put(EXTRA, Json.write(remaining));
            remaining.removeAll();
        }
        return true;
    }

    /** The JSON object of a record filled by {@link #fill}: its {@code extraJson}, then every non-null field. */
    public ObjectNode toJson(SpecificRecordBase record, Set<String> skipFields) {
        ObjectNode out = record.getSchema().getField(EXTRA) != null && record.get(EXTRA) != null
                ? (ObjectNode) parse((String) record.get(EXTRA)) : Json.object();
        for (Schema.Field field : record.getSchema().getFields()) {
            String name = field.name();
            Object value = record.get(name);
            if (name.equals(EXTRA) || value == null || skipFields.contains(name)) {
                continue;
            }
            out.set(jsonKey(name), fromAvro(name, value));
        }
        return out;
    }

    private Object toAvro(String name, Schema schema, JsonNode node) {
        if (name.endsWith("Json")) {
            return Json.write(node);
        }
        return switch (schema.getType()) {
            case STRING -> node.isTextual() ? node.textValue() : null;
            case BOOLEAN -> node.isBoolean() ? node.booleanValue() : null;
            case LONG -> node.isIntegralNumber() && node.canConvertToLong() ? node.longValue() : null;
            case RECORD -> {
                if (!node.isObject()) {
                    yield null;
                }
                SpecificRecordBase nested = nestedRecords.get(schema.getFullName()).get();
                yield fill(nested, shallowCopy((ObjectNode) node), Set.of()) ? nested : null;
            }
            default -> throw new IllegalStateException("field " + name + " of type " + schema + " is not mapped");
        };
    }

    private JsonNode fromAvro(String name, Object value) {
        if (name.endsWith("Json")) {
            return parse((String) value);
        }
        if (value instanceof CharSequence text) {
            return Json.NODES.textNode(text.toString());
        }
        if (value instanceof Boolean bool) {
            return Json.NODES.booleanNode(bool);
        }
        if (value instanceof Long number) {
            return Json.NODES.numberNode(number);
        }
        if (value instanceof SpecificRecordBase nested) {
            return toJson(nested, Set.of());
        }
        throw new IllegalStateException("field " + name + " holds an unmapped " + value.getClass().getName());
    }

    /** The key a field reads: the field's name without a {@code Json} suffix. */
    public static String jsonKey(String fieldName) {
        return fieldName.endsWith("Json") ? fieldName.substring(0, fieldName.length() - 4) : fieldName;
    }

    private static Schema valueSchema(Schema.Field field) {
        Schema schema = field.schema();
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return branch;
                }
            }
        }
        return schema;
    }

    public static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a JSON field of a record is not JSON", e);
        }
    }

    /**
     * A new object with the same keys and the very same values: what {@link #fill} consumes (it removes keys, and
     * changes nothing deeper) without touching a chunk's own JSON, and without the cost of a deep copy — a third of
     * the encoding time of the corpus's chunks went to deep copies.
     */
    public static ObjectNode shallowCopy(ObjectNode source) {
        ObjectNode copy = Json.object();
        copy.setAll(source);
        return copy;
    }

        /** Copies every key of {@code source} into {@code target}. */
    public static void mergeInto(ObjectNode target, ObjectNode source) {
        for (Map.Entry<String, JsonNode> entry : source.properties()) {
            target.set(entry.getKey(), entry.getValue());
        }
    }
}
