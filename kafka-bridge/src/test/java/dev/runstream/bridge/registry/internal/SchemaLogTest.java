package dev.runstream.bridge.registry.internal;

import dev.runstream.bridge.registry.CompatibilityLevel;
import dev.runstream.bridge.registry.internal.SchemaLog.ConfigChange;
import dev.runstream.bridge.registry.internal.SchemaLog.Registration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaLogTest {

    private final SchemaLog log = new SchemaLog();

    @Test
    void shouldAssignIdsFromOneAndVersionsPerSubject() {
        Registration first = log.next("a", "s1");
        assertThat(first).isEqualTo(new Registration("a", 1, 1, "s1"));
        assertThat(log.apply(first)).isTrue();
        Registration second = log.next("a", "s2");
        assertThat(second).isEqualTo(new Registration("a", 2, 2, "s2"));
        assertThat(log.apply(second)).isTrue();
        assertThat(log.idOf("a", "s2")).contains(2);
        assertThat(log.schemaById(1)).contains("s1");
    }

    @Test
    void shouldReuseTheIdOfTheSameSchemaUnderAnotherSubject() {
        log.apply(log.next("a", "s1"));

        Registration other = log.next("b", "s1");

        assertThat(other).isEqualTo(new Registration("b", 1, 1, "s1"));
        assertThat(log.apply(other)).isTrue();
        assertThat(log.schemaCount()).isEqualTo(1);
    }

    @Test
    void shouldLetTheFirstOfTwoRacingRegistrationsWin() {
        Registration mine = log.next("a", "s1");
        Registration theirs = log.next("a", "s2"); // computed from the same state: same version, same id

        assertThat(log.apply(theirs)).isTrue();
        assertThat(log.apply(mine)).isFalse();
        assertThat(log.idOf("a", "s1")).isEmpty();
        assertThat(log.next("a", "s1")).isEqualTo(new Registration("a", 2, 2, "s1"));
    }

    @Test
    void shouldIgnoreDuplicatesAndRegistrationsThatContradictKnownIds() {
        Registration first = log.next("a", "s1");
        log.apply(first);

        assertThat(log.apply(first)).as("same schema again").isFalse();
        assertThat(log.apply(new Registration("b", 1, 5, "s1"))).as("known schema, other id").isFalse();
        assertThat(log.apply(new Registration("b", 1, 1, "s9"))).as("id taken by another schema").isFalse();
        assertThat(log.apply(new Registration("a", 3, 2, "s2"))).as("version gap").isFalse();
        assertThat(log.apply(new Registration("c", 1, 0, "s3"))).as("non-positive id").isFalse();
        assertThat(log.versions("b")).isEmpty();
    }

    @Test
    void shouldReachTheSameStateWhateverInstanceReplaysTheLog() {
        Registration[] topic = {
            new Registration("a", 1, 1, "s1"), new Registration("a", 1, 1, "s2"),
            new Registration("b", 1, 1, "s1"), new Registration("a", 2, 2, "s2"), new Registration("b", 2, 2, "s3"),
        };
        SchemaLog replica = new SchemaLog();
        for (Registration registration : topic) {
            assertThat(replica.apply(registration)).isEqualTo(log.apply(registration));
        }
        assertThat(replica.idOf("a", "s2")).isEqualTo(log.idOf("a", "s2")).contains(2);
        assertThat(replica.idOf("b", "s3")).isEmpty();
    }

    @Test
    void shouldLetTheLastCompatibilitySettingOfAScopeWin() {
        log.apply(new ConfigChange(Optional.of("a"), Optional.of(CompatibilityLevel.FULL)));
        log.apply(new ConfigChange(Optional.empty(), Optional.of(CompatibilityLevel.NONE)));
        log.apply(new ConfigChange(Optional.of("a"), Optional.of(CompatibilityLevel.FORWARD)));

        assertThat(log.compatibility(Optional.of("a"))).contains(CompatibilityLevel.FORWARD);
        assertThat(log.compatibility(Optional.of("b"))).isEmpty();
        assertThat(log.compatibility(Optional.empty())).contains(CompatibilityLevel.NONE);

        log.apply(new ConfigChange(Optional.of("a"), Optional.empty()));
        log.apply(new ConfigChange(Optional.empty(), Optional.empty()));

        assertThat(log.compatibility(Optional.of("a"))).isEmpty();
        assertThat(log.compatibility(Optional.empty())).isEmpty();
    }

    @Test
    void shouldListSubjectsInNameOrderAndTheVersionsOfAnId() {
        log.apply(log.next("b", "s1"));
        log.apply(log.next("a", "s2"));
        log.apply(log.next("a", "s1"));

        assertThat(log.subjects()).containsExactly("a", "b");
        assertThat(log.registrationsOf(1)).containsExactly(new Registration("a", 2, 1, "s1"),
            new Registration("b", 1, 1, "s1"));
        assertThat(log.registrationsOf(9)).isEmpty();
        assertThat(log.registration("a", "s1")).contains(new Registration("a", 2, 1, "s1"));
    }
}
