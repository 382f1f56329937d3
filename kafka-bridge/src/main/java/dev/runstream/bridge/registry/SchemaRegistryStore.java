package dev.runstream.bridge.registry;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A registry that holds its state itself (rather than asking a server): what Runstream's HTTP bridge serves
 * over the Confluent Schema Registry REST API. Subjects, versions and ids follow Confluent's rules; each
 * subject is checked by its own compatibility level when it has one, else by the global level.
 */
public interface SchemaRegistryStore extends SchemaRegistryClient {

    /** Every subject with at least one version, in name order. */
    List<String> subjects();

    /** The subject's versions, oldest first; empty for a subject that has none. */
    List<RegisteredSchema> versions(String subject);

    /** Every version of every subject whose schema has id {@code id}; empty for an unknown id. */
    List<RegisteredSchema> versionsOf(int id);

    /** The version of {@code subject} that holds {@code schema}, if it holds it. */
    Optional<RegisteredSchema> lookup(String subject, Schema schema);

    /**
     * Why {@code candidate} may not follow {@code previous} (oldest first) under {@code subject}'s compatibility
     * level; empty when it may.
     */
    List<String> violations(String subject, Schema candidate, List<Schema> previous);

    /** The level of {@code subject} as set for it, or the global level as set when {@code subject} is empty. */
    Optional<CompatibilityLevel> compatibility(Optional<String> subject);

    /** The level subjects without one of their own follow: the global one set, else the registry's default. */
    CompatibilityLevel globalCompatibility();

    /**
     * Sets (a present {@code level}) or removes (empty) the level of {@code subject}, or the global level when
     * {@code subject} is empty; every instance on the same store sees it.
     */
    void setCompatibility(Optional<String> subject, Optional<CompatibilityLevel> level);
}
