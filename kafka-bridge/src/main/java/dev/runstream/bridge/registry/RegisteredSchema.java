package dev.runstream.bridge.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/** Version {@code version} of {@code subject}: {@code schema}, whose global id is {@code id}. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {

    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        if (version < 1 || id < 1) {
            throw new IllegalArgumentException("version and id start at 1: version " + version + ", id " + id);
        }
    }
}
