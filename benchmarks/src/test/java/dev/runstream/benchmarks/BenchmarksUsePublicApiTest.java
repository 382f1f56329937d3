package dev.runstream.benchmarks;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The benchmarks measure Runstream as its users see it: through its public packages, never its internals. */
class BenchmarksUsePublicApiTest {

    @Test
    void shouldUseNoInternalPackageOfRunstream() {
        noClasses().that().resideInAPackage("dev.runstream.benchmarks..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("dev.runstream.core..internal..", "dev.runstream.bridge..internal..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.runstream.benchmarks"));
    }
}
