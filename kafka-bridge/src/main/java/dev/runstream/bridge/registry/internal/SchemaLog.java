package dev.runstream.bridge.registry.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry's state, rebuilt by replaying the schemas topic in offset order. Every instance applies
 * the same deterministic rules to the same log, so all of them agree on every subject, version and id,
 * even when instances raced to append: a registration is accepted only if it is the next version of its
 * subject, its schema is new to the subject, and its id is the schema's existing id or one not used yet.
 * A record that breaks a rule lost a race; it changes nothing, so its writer may delete it (tombstone).
 * Not thread-safe: the registry guards it.
 */
public final class SchemaLog {

    /** One registration: {@code schema} (Avro JSON text) is version {@code version} of {@code subject}, with id {@code id}. */
    public record Registration(String subject, int version, int id, String schema) {
    }

    private final Map<String, List<Registration>> versionsBySubject = new HashMap<>();
    private final Map<String, Integer> idBySchema = new HashMap<>();
    private final Map<Integer, String> schemaById = new HashMap<>();
    private int maxId;

    /** Applies a registration read from the log; returns whether it was accepted. */
    public boolean apply(Registration registration) {
        List<Registration> versions = versions(registration.subject());
        if (registration.id() <= 0 || registration.version() != versions.size() + 1) {
            return false;
        }
        if (versions.stream().anyMatch(v -> v.schema().equals(registration.schema()))) {
            return false;
        }
        Integer knownId = idBySchema.get(registration.schema());
        if (knownId != null ? knownId != registration.id() : schemaById.containsKey(registration.id())) {
            return false;
        }
        versionsBySubject.computeIfAbsent(registration.subject(), s -> new ArrayList<>()).add(registration);
        idBySchema.put(registration.schema(), registration.id());
        schemaById.put(registration.id(), registration.schema());
        maxId = Math.max(maxId, registration.id());
        return true;
    }

    /** The registration to append so that {@code schema} becomes the next version of {@code subject}. */
    public Registration next(String subject, String schema) {
        int id = idBySchema.getOrDefault(schema, maxId + 1);
        return new Registration(subject, versions(subject).size() + 1, id, schema);
    }

    public Optional<Integer> idOf(String subject, String schema) {
        return versions(subject).stream().filter(v -> v.schema().equals(schema)).map(Registration::id).findFirst();
    }

    public Optional<String> schemaById(int id) {
        return Optional.ofNullable(schemaById.get(id));
    }

    /** The subject's registrations, oldest first; empty for an unknown subject. */
    public List<Registration> versions(String subject) {
        return versionsBySubject.getOrDefault(subject, List.of());
    }

    public int schemaCount() {
        return schemaById.size();
    }
}
