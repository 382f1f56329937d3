package dev.runstream.bridge.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * A schema registry held in this process only: ids from 1, per-subject versions, {@link CompatibilityLevel#BACKWARD}
 * checks. For tools and tests that need the wire format but no shared registry (e.g. a
 * {@code TopologyTestDriver}); nothing survives the process. Thread-safe.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<Schema, Integer> idBySchema = new HashMap<>();
    private final Map<String, List<Schema>> versions = new HashMap<>();
    private final CompatibilityLevel compatibility;

    public InMemorySchemaRegistry() {
        this(CompatibilityLevel.BACKWARD);
    }

    public InMemorySchemaRegistry(CompatibilityLevel compatibility) {
        this.compatibility = Objects.requireNonNull(compatibility, "compatibility");
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Schema> subjectVersions = versions.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!subjectVersions.contains(schema)) {
            List<String> violations = compatibility.violations(schema, subjectVersions);
            if (!violations.isEmpty()) {
                throw new IncompatibleSchemaException("schema is not " + compatibility + " compatible with subject '"
                        + subject + "': " + String.join("; ", violations), 409);
            }
            subjectVersions.add(schema);
        }
        return idBySchema.computeIfAbsent(schema, s -> {
            int id = byId.size() + 1;
            byId.put(id, s);
            return id;
        });
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = byId.get(id);
        if (schema == null) {
            throw new SchemaNotFoundException("no schema has id " + id, 40403);
        }
        return schema;
    }

    @Override
    public synchronized int idOf(String subject, Schema schema) {
        if (!versions.getOrDefault(subject, List.of()).contains(schema)) {
            throw new SchemaNotFoundException("subject '" + subject + "' does not hold this schema", 40403);
        }
        return idBySchema.get(schema);
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        List<Schema> subjectVersions = versions.getOrDefault(subject, List.of());
        return compatibility.violations(schema, subjectVersions).isEmpty();
    }

    @Override
    public void close() {
        // nothing to release
    }
}
