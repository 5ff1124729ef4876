package org.instructforge.training;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The ML core runs and tests without Spring (STYLE.md): it never imports it; only the run worker ({@code runs}) and
 * the application wire it into Spring. Feature packages depend on each other in one direction only.
 */
class ArchitectureTest {

    private static final JavaClasses SERVICE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.instructforge.training");

    @Test
    void theModelCoreDoesNotDependOnSpring() {
        noClasses()
                .that()
                .resideInAPackage("org.instructforge.training.model..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..", "jakarta.persistence..")
                .check(SERVICE);
    }

    @Test
    void theMlPackagesAndCommandLineDoNotDependOnSpring() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "org.instructforge.training.corpus..",
                        "org.instructforge.training.tokenizer..",
                        "org.instructforge.training.pretrain..",
                        "org.instructforge.training.evaluation..",
                        "org.instructforge.training.rlhf..",
                        "org.instructforge.training.toolbox..",
                        "org.instructforge.training.storage..",
                        "org.instructforge.training.experiment..",
                        "org.instructforge.training.simulation..",
                        "org.instructforge.training.crowd..",
                        "org.instructforge.training.api..",
                        "org.instructforge.training.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..", "jakarta.persistence..")
                .check(SERVICE);
    }

    @Test
    void featurePackagesAreFreeOfCycles() {
        slices().matching("org.instructforge.training.(*)..")
                .should()
                .beFreeOfCycles()
                .check(SERVICE);
    }
}
