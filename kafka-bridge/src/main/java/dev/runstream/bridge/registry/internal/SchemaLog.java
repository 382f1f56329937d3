package dev.runstream.bridge.registry.internal;

import dev.runstream.bridge.registry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registry's state, rebuilt by replaying the schemas topic in offset order. Every instance applies
 * the same deterministic rules to the same log, so all of them agree on every subject, version, id and
 * compatibility setting, even when instances raced to append: a registration is accepted only if it is the
 * next version of its subject, its schema is new to the subject, and its id is the schema's existing id or
 * one not used yet. A registration that breaks a rule lost a race; it changes nothing, so its writer may
 * delete it (tombstone). A compatibility setting is always accepted: the last one in log order wins.
 * Not thread-safe: the registry guards it.
 */
public final class SchemaLog {

    /** One record of the schemas topic. */
    public sealed interface Record permits Registration, ConfigChange {
    }

    /** One registration: {@code schema} (Avro JSON text) is version {@code version} of {@code subject}, with id {@code id}. */
    public record Registration(String subject, int version, int id, String schema) implements Record {
    }

    /**
     * The compatibility level of one subject, or the global one when {@code subject} is empty; an empty
     * {@code level} removes the setting (the subject then follows the global level, the global level the default).
     */
    public record ConfigChange(Optional<String> subject, Optional<CompatibilityLevel> level) implements Record {

        public ConfigChange {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(level, "level");
        }
    }

    private final Map<String, List<Registration>> versionsBySubject = new TreeMap<>();
    private final Map<String, Integer> idBySchema = new HashMap<>();
    private final Map<Integer, String> schemaById = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private Optional<CompatibilityLevel> globalLevel = Optional.empty();
    private int maxId;

    /** Applies a record read from the log; returns whether it was accepted. */
    public boolean apply(Record record) {
        return switch (record) {
            case Registration registration -> register(registration);
            case ConfigChange change -> {
                if (change.subject().isEmpty()) {
                    globalLevel = change.level();
                } else if (change.level().isEmpty()) {
                    subjectLevels.remove(change.subject().get());
                } else {
                    subjectLevels.put(change.subject().get(), change.level().get());
                }
                yield true;
            }
        };
    }

    private boolean register(Registration registration) {
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
        return registration(subject, schema).map(Registration::id);
    }

    /** The version of {@code subject} that holds {@code schema}. */
    public Optional<Registration> registration(String subject, String schema) {
        return versions(subject).stream().filter(v -> v.schema().equals(schema)).findFirst();
    }

    public Optional<String> schemaById(int id) {
        return Optional.ofNullable(schemaById.get(id));
    }

    /** The subject's registrations, oldest first; empty for an unknown subject. */
    public List<Registration> versions(String subject) {
        return versionsBySubject.getOrDefault(subject, List.of());
    }

    /** Every subject with a version, in name order. */
    public List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    /** Every version of every subject that has schema id {@code id}, subjects in name order. */
    public List<Registration> registrationsOf(int id) {
        return versionsBySubject.values().stream().flatMap(List::stream).filter(v -> v.id() == id).toList();
    }

    /** The level set for {@code subject}, or the global one set when {@code subject} is empty; empty when none is set. */
    public Optional<CompatibilityLevel> compatibility(Optional<String> subject) {
        return subject.isPresent() ? Optional.ofNullable(subjectLevels.get(subject.get())) : globalLevel;
    }

    public int schemaCount() {
        return schemaById.size();
    }
}
