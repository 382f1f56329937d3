package dev.runstream.bridge.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Schema-evolution rules, with Confluent's names and meaning. BACKWARD: consumers on the new schema read
 * data written with the previous one. FORWARD: consumers on the previous schema read data written with the
 * new one. FULL: both. The {@code _TRANSITIVE} variants check against every registered version, not only
 * the latest.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** The level named {@code name}, in any case (as Confluent's registry takes it); empty for no such level. */
    public static Optional<CompatibilityLevel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String upper = name.strip().toUpperCase(Locale.ROOT);
        for (CompatibilityLevel level : values()) {
            if (level.name().equals(upper)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }

    /**
     * Why {@code candidate} may not follow {@code registered} (oldest first) under this rule; empty when it may.
     */
    public List<String> violations(Schema candidate, List<Schema> registered) {
        List<String> violations = new ArrayList<>();
        if (registered.isEmpty()) {
            return violations;
        }
        List<Schema> against = transitive ? registered : List.of(registered.get(registered.size() - 1));
        for (Schema existing : against) {
            if (backward) {
                check(candidate, existing, "new schema cannot read data written with an existing one", violations);
            }
            if (forward) {
                check(existing, candidate, "an existing schema cannot read data written with the new one", violations);
            }
        }
        return violations;
    }

    private static void check(Schema reader, Schema writer, String what, List<String> violations) {
        SchemaCompatibility.SchemaPairCompatibility result =
            SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
                violations.add(what + ": " + incompatibility.getType() + " at " + incompatibility.getLocation()
                    + " (" + incompatibility.getMessage() + ")");
            }
        }
    }
}
