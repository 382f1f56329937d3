package dev.runstream.bridge.registry;

import dev.runstream.bridge.broker.EmbeddedKafkaBroker;
import dev.runstream.bridge.broker.EmbeddedKafkaExtension;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(EmbeddedKafkaExtension.class)
class KafkaTopicSchemaRegistryIT {

    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static final Schema CHUNK_V1 = SchemaBuilder.record("ChunkRecord").namespace("dev.runstream.avro").fields()
        .requiredString("runId").requiredLong("seq").endRecord();
    private static final Schema CHUNK_V2 = SchemaBuilder.record("ChunkRecord").namespace("dev.runstream.avro").fields()
        .requiredString("runId").requiredLong("seq").name("type").type().stringType().stringDefault("text-delta").endRecord();
    private static final Schema SUMMARY = SchemaBuilder.record("RunSummary").namespace("dev.runstream.avro").fields()
        .requiredString("runId").endRecord();

    private final String bootstrap;
    private final String topic = "it-schemas-" + TOPICS.incrementAndGet() + "._schemas";

    KafkaTopicSchemaRegistryIT(EmbeddedKafkaBroker broker) {
        this.bootstrap = broker.bootstrapServers();
    }

    private KafkaTopicSchemaRegistry registry() {
        return KafkaTopicSchemaRegistry.builder(bootstrap).topic(topic).build();
    }

    @Test
    void shouldKeepIdsStableAcrossARestartOnTheSameTopic() {
        int v1;
        int v2;
        int summary;
        try (KafkaTopicSchemaRegistry registry = registry()) {
            v1 = registry.register(RecordNameStrategy.subjectFor(CHUNK_V1), CHUNK_V1);
            v2 = registry.register(RecordNameStrategy.subjectFor(CHUNK_V2), CHUNK_V2);
            summary = registry.register(RecordNameStrategy.subjectFor(SUMMARY), SUMMARY);
            assertThat(registry.register("dev.runstream.avro.ChunkRecord", CHUNK_V1)).isEqualTo(v1);
            assertThat(List.of(v1, v2, summary)).containsExactly(1, 2, 3);
        }

        try (KafkaTopicSchemaRegistry restarted = registry()) {
            assertThat(restarted.schemaById(v1)).isEqualTo(CHUNK_V1);
            assertThat(restarted.schemaById(v2)).isEqualTo(CHUNK_V2);
            assertThat(restarted.idOf("dev.runstream.avro.ChunkRecord", CHUNK_V2)).isEqualTo(v2);
            assertThat(restarted.register("dev.runstream.avro.RunSummary", SUMMARY)).isEqualTo(summary);
            assertThat(restarted.register("other.subject", CHUNK_V1)).as("same schema, other subject").isEqualTo(v1);
            Schema next = SchemaBuilder.record("Other").fields().requiredInt("x").endRecord();
            assertThat(restarted.register("dev.runstream.test.Other", next)).isEqualTo(4);
        }
    }

    @Test
    void shouldAgreeOnOneIdWhenTwoInstancesRegisterConcurrently() throws Exception {
        try (KafkaTopicSchemaRegistry first = registry(); KafkaTopicSchemaRegistry second = registry()) {
            List<Schema> schemas = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                schemas.add(SchemaBuilder.record("Race" + i).namespace("dev.runstream.test").fields().requiredInt("x").endRecord());
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Callable<List<Integer>>> racers = new ArrayList<>();
                for (KafkaTopicSchemaRegistry instance : List.of(first, second)) {
                    racers.add(() -> {
                        go.await();
                        List<Integer> ids = new ArrayList<>();
                        for (Schema schema : schemas) {
                            ids.add(instance.register(RecordNameStrategy.subjectFor(schema), schema));
                        }
                        return ids;
                    });
                }
                List<Future<List<Integer>>> results = new ArrayList<>();
                for (Callable<List<Integer>> racer : racers) {
                    results.add(pool.submit(racer));
                }
                go.countDown();
                List<Integer> fromFirst = results.get(0).get();
                List<Integer> fromSecond = results.get(1).get();

                assertThat(fromFirst).isEqualTo(fromSecond);
                assertThat(new HashSet<>(fromFirst)).hasSize(schemas.size());
                for (int i = 0; i < schemas.size(); i++) {
                    assertThat(first.schemaById(fromFirst.get(i))).isEqualTo(schemas.get(i));
                    assertThat(second.schemaById(fromFirst.get(i))).isEqualTo(schemas.get(i));
                }
            } finally {
                pool.shutdownNow();
            }
            try (KafkaTopicSchemaRegistry third = registry()) {
                Set<Integer> ids = new HashSet<>();
                for (Schema schema : schemas) {
                    ids.add(third.idOf(RecordNameStrategy.subjectFor(schema), schema));
                }
                assertThat(ids).hasSize(schemas.size());
            }
        }
    }

    @Test
    void shouldSeeSchemasRegisteredByAnotherInstanceAfterItStarted() {
        try (KafkaTopicSchemaRegistry reader = registry(); KafkaTopicSchemaRegistry writer = registry()) {
            int id = writer.register("dev.runstream.avro.RunSummary", SUMMARY);

            assertThat(reader.schemaById(id)).isEqualTo(SUMMARY);
            assertThat(reader.idOf("dev.runstream.avro.RunSummary", SUMMARY)).isEqualTo(id);
        }
    }

    @Test
    void shouldRefuseIncompatibleSchemasAndReportMissingOnes() {
        Schema breaking = SchemaBuilder.record("ChunkRecord").namespace("dev.runstream.avro").fields()
            .requiredString("runId").requiredLong("seq").requiredString("mandatory").endRecord();
        try (KafkaTopicSchemaRegistry registry = registry()) {
            String subject = RecordNameStrategy.subjectFor(CHUNK_V1);
            assertThat(registry.isCompatible(subject, breaking)).as("no versions yet").isTrue();
            registry.register(subject, CHUNK_V1);

            assertThat(registry.isCompatible(subject, CHUNK_V2)).isTrue();
            assertThat(registry.isCompatible(subject, breaking)).isFalse();
            assertThatThrownBy(() -> registry.register(subject, breaking))
                .isInstanceOf(IncompatibleSchemaException.class).hasMessageContaining("mandatory");
            assertThatThrownBy(() -> registry.schemaById(999))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
            assertThatThrownBy(() -> registry.idOf("no.such.Subject", CHUNK_V1))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
            assertThatThrownBy(() -> registry.idOf(subject, breaking))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
        }
    }

    @Test
    void shouldCheckEachSubjectByItsOwnLevelAndKeepSettingsAcrossARestart() {
        Schema breaking = SchemaBuilder.record("ChunkRecord").namespace("dev.runstream.avro").fields()
            .requiredString("runId").requiredLong("seq").requiredString("mandatory").endRecord();
        String subject = RecordNameStrategy.subjectFor(CHUNK_V1);
        try (KafkaTopicSchemaRegistry registry = registry(); KafkaTopicSchemaRegistry other = registry()) {
            registry.register(subject, CHUNK_V1);
            assertThat(registry.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);

            other.setCompatibility(Optional.of(subject), Optional.of(CompatibilityLevel.NONE));

            assertThat(registry.compatibility(Optional.of(subject))).contains(CompatibilityLevel.NONE);
            assertThat(registry.register(subject, breaking)).isEqualTo(2);
            other.setCompatibility(Optional.empty(), Optional.of(CompatibilityLevel.FULL));
            assertThat(registry.globalCompatibility()).isEqualTo(CompatibilityLevel.FULL);
        }

        try (KafkaTopicSchemaRegistry restarted = registry()) {
            assertThat(restarted.compatibility(Optional.of(subject))).contains(CompatibilityLevel.NONE);
            assertThat(restarted.globalCompatibility()).isEqualTo(CompatibilityLevel.FULL);
            assertThat(restarted.versions(subject)).extracting(RegisteredSchema::version, RegisteredSchema::id)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 1), org.assertj.core.groups.Tuple.tuple(2, 2));
            assertThat(restarted.lookup(subject, breaking)).map(RegisteredSchema::version).contains(2);
            assertThat(restarted.subjects()).containsExactly(subject);

            restarted.setCompatibility(Optional.of(subject), Optional.empty());

            assertThat(restarted.compatibility(Optional.of(subject))).isEmpty();
            assertThat(restarted.violations(subject, CHUNK_V1, List.of(breaking)))
                .as("FULL, from the global level, against the breaking version").isNotEmpty();
        }
    }
}
