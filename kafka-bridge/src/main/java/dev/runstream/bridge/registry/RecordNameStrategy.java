package dev.runstream.bridge.registry;

import org.apache.avro.Schema;

import java.util.Objects;

/**
 * Subject naming by record type, as Confluent's {@code RecordNameStrategy}: the subject is the schema's
 * full name (e.g. {@code dev.runstream.avro.ChunkRecord}), whatever topic the record goes to. Runstream
 * writes one topic per run, so a topic-named subject would mean one subject per run.
 */
public final class RecordNameStrategy {

    private RecordNameStrategy() {
    }

    /**
     * The subject for records of {@code schema}.
     *
     * @throws IllegalArgumentException if {@code schema} is not a record schema
     */
    public static String subjectFor(Schema schema) {
        Objects.requireNonNull(schema, "schema");
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("RecordNameStrategy needs a record schema, got " + schema.getType()
                + (schema.getType() == Schema.Type.UNION ? " (a union has no name)" : ": " + schema.getFullName()));
        }
        return schema.getFullName();
    }
}
