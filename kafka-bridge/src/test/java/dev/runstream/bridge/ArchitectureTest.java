package dev.runstream.bridge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The layering the build enforces, in the spirit of Kafka's {@code import-control.xml}: an {@code internal} package
 * belongs to the feature package it sits in and is used by that feature alone; packages form no cycles; the core
 * knows nothing of Kafka, Avro or the bridge.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.runstream");

    @Test
    void shouldUseAnInternalPackageOnlyFromTheFeatureItBelongsTo() {
        classes().that().resideInAPackage("..internal..")
                .should(onlyBeAccessedFromTheirOwnFeature())
                .check(MAIN);
    }

    @Test
    void shouldHaveNoCyclesBetweenPackages() {
        slices().assignedFrom(FEATURES).should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void shouldKeepTheCoreFreeOfKafkaAvroAndTheBridge() {
        noClasses().that().resideInAPackage("dev.runstream.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.apache.avro..",
                        "dev.runstream.bridge..", "dev.runstream.avro..")
                .check(MAIN);
    }

    /**
     * Slices by feature: a feature package with its {@code internal} packages, which may use the feature's public
     * types (its exceptions, its settings) as the feature uses them.
     */
    private static final SliceAssignment FEATURES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass type) {
            return SliceIdentifier.of(featureOf(type));
        }

        @Override
        public String getDescription() {
            return "features (a package with its internal packages)";
        }
    };

    /** The feature an internal class belongs to: its package up to (not including) the {@code internal} segment. */
    static String featureOf(JavaClass type) {
        String name = type.getPackageName();
        int internal = name.indexOf(".internal");
        return internal < 0 ? name : name.substring(0, internal);
    }

    private static ArchCondition<JavaClass> onlyBeAccessedFromTheirOwnFeature() {
        return new ArchCondition<>("only be accessed from the feature package they belong to") {
            @Override
            public void check(JavaClass internalClass, ConditionEvents events) {
                String feature = featureOf(internalClass);
                internalClass.getDirectDependenciesToSelf().forEach(dependency -> {
                    JavaClass origin = dependency.getOriginClass();
                    String from = origin.getPackageName();
                    if (!from.equals(feature) && !from.startsWith(feature + ".")) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()
                                + " reaches into " + feature + "'s internals"));
                    }
                });
            }
        };
    }
}
